using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// The shape of a <see cref="SequenceNetwork"/>: what it reads (token ids through an embedding, or frames of D
/// features), its recurrent stack, and what it predicts (a class per step, or one class per sequence from a
/// pooled summary). Language models, sequence labelers and sequence classifiers are all this one network.
/// </summary>
public sealed class SequenceNetworkOptions
{
    /// <summary>V_in: the number of input token ids for token inputs (ids 0..V_in-1); 0 for frame inputs.</summary>
    public int InputVocabularySize { get; init; }

    /// <summary>E: the embedding size for token inputs.</summary>
    public int EmbeddingSize { get; init; } = 64;

    /// <summary>D: features per step for frame inputs; 0 for token inputs.</summary>
    public int FrameSize { get; init; }

    /// <summary>The recurrent cell.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>H: the hidden size of each direction of each layer.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>L: stacked recurrent layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Whether each layer also reads the sequence backwards (outputs concatenated).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Dropout between stacked recurrent layers and before the output layer, in [0, 1).</summary>
    public float Dropout { get; init; }

    /// <summary>
    /// Token dropout, in [0, 1): while training, each input token is replaced by the unknown id 0 with this
    /// probability, so the network learns not to lean on single words and the unknown embedding learns what an
    /// unfamiliar word means. Token inputs only; inactive at inference.
    /// </summary>
    public float TokenDropout { get; init; }

    /// <summary>Dropout on the token embeddings (each element, inverted scaling) while training, in [0, 1). Token inputs only.</summary>
    public float EmbeddingDropout { get; init; }

    /// <summary>
    /// S: the slots of an optional side input, a sparse per-sequence feature row (for example a bag of n-grams)
    /// mapped by <c>side.weight</c> [S, K] straight onto the logits, beside the pooled recurrent summary's output
    /// layer: the network is then a linear model of the side features plus what the recurrent summary adds.
    /// 0 (the default) turns it off. Per-sequence outputs only.
    /// </summary>
    public int SideInputSize { get; init; }

    /// <summary>Whether the network reads a side input (<see cref="SideInputSize"/> &gt; 0).</summary>
    public bool HasSideInput => SideInputSize > 0;

    /// <summary>Whether the initial hidden (and cell) state is a trained parameter rather than zeros.</summary>
    public bool LearnedInitialState { get; init; }

    /// <summary>Whether the network predicts a class at every step; otherwise one class per sequence.</summary>
    public bool PerStepOutput { get; init; }

    /// <summary>How steps are summarized for a per-sequence prediction.</summary>
    public SequencePoolingMode Pooling { get; init; } = SequencePoolingMode.Last;

    /// <summary>K: the number of classes predicted (V for a language model).</summary>
    public int OutputSize { get; init; }

    /// <summary>The output layer of a per-step network: an independent softmax per step, or a linear-chain CRF.</summary>
    public SequenceOutputLayer OutputLayer { get; init; } = SequenceOutputLayer.Softmax;

    /// <summary>
    /// Optional class weights w [K] for the softmax cross-entropy (rare labels weigh more), each finite and zero or
    /// positive; null weighs every class 1. A training option: it is not written into the model file.
    /// </summary>
    public float[]? ClassWeights { get; init; }

    /// <summary>
    /// V_c: character ids (0..V_c-1, 0 for padding) of the optional character-level word features; 0 turns them off.
    /// With them, each token's characters (given with the batch) run through a small bidirectional LSTM whose two
    /// final states are concatenated to the token's embedding, so words outside the vocabulary are read from their
    /// spelling. Token inputs only.
    /// </summary>
    public int CharacterVocabularySize { get; init; }

    /// <summary>E_c: the character embedding size.</summary>
    public int CharacterEmbeddingSize { get; init; } = 25;

    /// <summary>H_c: the hidden size of each direction of the character LSTM; a token's feature has 2 H_c values.</summary>
    public int CharacterHiddenSize { get; init; } = 25;

    /// <summary>Whether tokens also carry character-level features.</summary>
    public bool CharacterFeatures => CharacterVocabularySize > 0;

    /// <summary>How the recurrent weights start (<see cref="RecurrentLayerOptions.Initialization"/>).</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The spectral radius of each recurrent gate block under <see cref="RecurrentInitialization.EchoState"/>.</summary>
    public double EchoStateSpectralRadius { get; init; } = 1.1;

    /// <summary>Whether inputs are token ids (otherwise frames).</summary>
    public bool TokenInput => InputVocabularySize > 0;

    /// <summary>The size of one step's recurrent input: E (+ 2 H_c with character features) or D.</summary>
    public int RecurrentInputSize => TokenInput ? EmbeddingSize + (CharacterFeatures ? 2 * CharacterHiddenSize : 0) : FrameSize;

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        if (TokenInput == (FrameSize > 0))
            ThrowHelper.Argument(nameof(FrameSize), FrameSize,
                $"exactly one of 'InputVocabularySize' ({InputVocabularySize}) and 'FrameSize' must be positive");
        if (TokenInput) ThrowHelper.ThrowIfNotPositive(EmbeddingSize, nameof(EmbeddingSize));
        ThrowHelper.ThrowIfNotPositive(HiddenSize, nameof(HiddenSize));
        ThrowHelper.ThrowIfNotPositive(Layers, nameof(Layers));
        ThrowHelper.ThrowIfNotPositive(OutputSize, nameof(OutputSize));
        // Documented limits, checked before a network (or a loaded file's network) is sized by them.
        ThrowHelper.ThrowIfAboveLimit(InputVocabularySize, RecurrentLimits.MaxVocabularySize, nameof(InputVocabularySize), "RecurrentLimits.MaxVocabularySize");
        ThrowHelper.ThrowIfAboveLimit(CharacterVocabularySize, RecurrentLimits.MaxVocabularySize, nameof(CharacterVocabularySize), "RecurrentLimits.MaxVocabularySize");
        ThrowHelper.ThrowIfAboveLimit(OutputSize, RecurrentLimits.MaxVocabularySize, nameof(OutputSize), "RecurrentLimits.MaxVocabularySize");
        if (OutputLayer == SequenceOutputLayer.Crf)
            ThrowHelper.ThrowIfAboveLimit(OutputSize, RecurrentLimits.MaxCrfTagCount, nameof(OutputSize), "RecurrentLimits.MaxCrfTagCount, the tags of a CRF");
        if (!(Dropout >= 0f && Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Dropout), Dropout, "it must be in [0, 1)");
        if (!(TokenDropout >= 0f && TokenDropout < 1f)) ThrowHelper.OutOfRange(nameof(TokenDropout), TokenDropout, "it must be in [0, 1)");
        if (!(EmbeddingDropout >= 0f && EmbeddingDropout < 1f)) ThrowHelper.OutOfRange(nameof(EmbeddingDropout), EmbeddingDropout, "it must be in [0, 1)");
        if (!TokenInput && (TokenDropout > 0f || EmbeddingDropout > 0f))
            ThrowHelper.Argument(TokenDropout > 0f ? nameof(TokenDropout) : nameof(EmbeddingDropout), TokenDropout > 0f ? TokenDropout : EmbeddingDropout,
                "token and embedding dropout need token inputs ('InputVocabularySize' > 0)");
        ThrowHelper.ThrowIfNegative(SideInputSize, nameof(SideInputSize));
        if (HasSideInput && PerStepOutput)
            ThrowHelper.Argument(nameof(SideInputSize), SideInputSize, "a side input is one row per sequence: it needs a per-sequence output ('PerStepOutput' false)");
        if (!Enum.IsDefined(Cell)) ThrowHelper.OutOfRange(nameof(Cell), Cell, "it must be a defined cell type");
        if (CharacterVocabularySize < 0) ThrowHelper.OutOfRange(nameof(CharacterVocabularySize), CharacterVocabularySize, "it must be 0 (no character features) or at least 2");
        if (CharacterFeatures)
        {
            if (!TokenInput) ThrowHelper.Argument(nameof(CharacterVocabularySize), CharacterVocabularySize, "character features need token inputs ('InputVocabularySize' > 0)");
            if (CharacterVocabularySize < 2) ThrowHelper.OutOfRange(nameof(CharacterVocabularySize), CharacterVocabularySize, "it must be 0 (no character features) or at least 2 (padding and one character)");
            ThrowHelper.ThrowIfNotPositive(CharacterEmbeddingSize, nameof(CharacterEmbeddingSize));
            ThrowHelper.ThrowIfNotPositive(CharacterHiddenSize, nameof(CharacterHiddenSize));
        }
        if (!Enum.IsDefined(OutputLayer)) ThrowHelper.OutOfRange(nameof(OutputLayer), OutputLayer, "it must be Softmax or Crf");
        if (OutputLayer == SequenceOutputLayer.Crf && !PerStepOutput)
            ThrowHelper.Argument(nameof(OutputLayer), OutputLayer, "a CRF output layer labels every step: set 'PerStepOutput'");
        if (ClassWeights is { } w)
        {
            if (OutputLayer == SequenceOutputLayer.Crf)
                ThrowHelper.Argument(nameof(ClassWeights), $"{w.Length} weights", "class weights apply to the softmax output layer, not the CRF");
            if (w.Length != OutputSize)
                ThrowHelper.Argument(nameof(ClassWeights), $"{w.Length} weights", $"it must hold one weight per class (OutputSize = {OutputSize})");
            for (int i = 0; i < w.Length; i++)
                if (!(float.IsFinite(w[i]) && w[i] >= 0)) ThrowHelper.OutOfRange($"ClassWeights[{i}]", w[i], "it must be finite and zero or positive");
        }
        if (!Enum.IsDefined(Pooling)) ThrowHelper.OutOfRange(nameof(Pooling), Pooling, "it must be a defined pooling kind");
    }
}
