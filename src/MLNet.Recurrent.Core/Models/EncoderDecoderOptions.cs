using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// The shape of an <see cref="EncoderDecoder"/>: vocabularies, embedding, bidirectional encoder stack, decoder
/// cell, attention, input feeding, dropout and label smoothing. The defaults are the reference translator's
/// (<c>torch_seq2seq.py</c>): E = 128, H = 256, one BiLSTM layer, LSTM decoder, additive attention with
/// A = H, input feeding, no dropout.
/// </summary>
public sealed class EncoderDecoderOptions
{
    /// <summary>V_src: source ids 0..V_src-1 (id 0 is padding).</summary>
    public int SourceVocabularySize { get; init; }

    /// <summary>
    /// D_v: when positive, the source is not ids but a sequence of float vectors of this size (one vector, or a grid
    /// of T_v vectors such as image regions), projected to E by <c>src_proj</c> in place of the source embedding:
    /// conditioned generation. 0 (the default) reads source ids.
    /// </summary>
    public int SourceVectorSize { get; init; }

    /// <summary>
    /// With vector sources (<see cref="SourceVectorSize"/> &gt; 0): whether the projected vector also enters every
    /// decoder step, the captioning form <c>h_t = f(W_xh x_t + W_hh h_{t-1} + W_vh v)</c>. The decoder input becomes
    /// <c>[Embedding(y_{t-1}); ctx_{t-1}; p]</c> with <c>p = src_proj(v)</c> after dropout (for a grid of T_v vectors, the
    /// mean of the T_v projected vectors), so <c>W_vh = W_ih[:, p] W_proj</c>. The vector still starts the decoder
    /// through the encoder and is attended over. False (the default) uses it only through the encoder and attention.
    /// </summary>
    public bool ConditionEveryStep { get; init; }

    /// <summary>V_tgt: target ids 0..V_tgt-1 (id 0 is padding).</summary>
    public int TargetVocabularySize { get; init; }

    /// <summary>E: the embedding size of both languages.</summary>
    public int EmbeddingSize { get; init; } = 128;

    /// <summary>H: the encoder's hidden size per direction, and the decoder's hidden size.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>L: stacked bidirectional encoder layers (the decoder starts from the top layer's final states).</summary>
    public int EncoderLayers { get; init; } = 1;

    /// <summary>The cell of the encoder and the decoder: LSTM or GRU.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>How the decoder scores encoder annotations.</summary>
    public AttentionStyle Attention { get; init; } = AttentionStyle.Additive;

    /// <summary>A: the additive score's hidden size; 0 means H. The general and dot scores always use H.</summary>
    public int AttentionSize { get; init; }

    /// <summary>Whether the decoder reads the previous step's context beside the previous token (Luong et al. 2015).</summary>
    public bool InputFeeding { get; init; } = true;

    /// <summary>Dropout on both embeddings, between encoder layers and on the attentional state before the output layer; in [0, 1).</summary>
    public float Dropout { get; init; }

    /// <summary>
    /// Label smoothing eps in [0, 1): the training target puts 1 - eps on the true token and eps / V on every token.
    /// Reported losses stay the plain negative log-likelihood.
    /// </summary>
    public float LabelSmoothing { get; init; }

    /// <summary>The padding id of both vocabularies.</summary>
    public const int PaddingId = 0;

    /// <summary>The effective attention size: <see cref="AttentionSize"/>, or H when it is 0 or the score is general.</summary>
    public int AttentionWidth => Attention != AttentionStyle.Additive || AttentionSize == 0 ? HiddenSize : AttentionSize;

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        ThrowHelper.ThrowIfNegative(SourceVectorSize, nameof(SourceVectorSize));
        if (SourceVectorSize == 0 && SourceVocabularySize < 2) ThrowHelper.OutOfRange(nameof(SourceVocabularySize), SourceVocabularySize, "it must be at least 2 (padding and one token)");
        if (ConditionEveryStep && SourceVectorSize == 0)
            ThrowHelper.Argument(nameof(ConditionEveryStep), ConditionEveryStep, "the vector enters every step only with vector sources ('SourceVectorSize' > 0)");
        if (TargetVocabularySize < 2) ThrowHelper.OutOfRange(nameof(TargetVocabularySize), TargetVocabularySize, "it must be at least 2 (padding and one token)");
        ThrowHelper.ThrowIfAboveLimit(SourceVocabularySize, RecurrentLimits.MaxVocabularySize, nameof(SourceVocabularySize), "RecurrentLimits.MaxVocabularySize");
        ThrowHelper.ThrowIfAboveLimit(TargetVocabularySize, RecurrentLimits.MaxVocabularySize, nameof(TargetVocabularySize), "RecurrentLimits.MaxVocabularySize");
        ThrowHelper.ThrowIfNotPositive(EmbeddingSize, nameof(EmbeddingSize));
        ThrowHelper.ThrowIfNotPositive(HiddenSize, nameof(HiddenSize));
        ThrowHelper.ThrowIfNotPositive(EncoderLayers, nameof(EncoderLayers));
        if (Cell is not (CellType.Lstm or CellType.Gru)) ThrowHelper.OutOfRange(nameof(Cell), Cell, "an encoder-decoder uses Lstm or Gru");
        if (!Enum.IsDefined(Attention)) ThrowHelper.OutOfRange(nameof(Attention), Attention, "it must be a defined attention style");
        ThrowHelper.ThrowIfNegative(AttentionSize, nameof(AttentionSize));
        if (!(Dropout >= 0f && Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Dropout), Dropout, "it must be in [0, 1)");
        if (!(LabelSmoothing >= 0f && LabelSmoothing < 1f)) ThrowHelper.OutOfRange(nameof(LabelSmoothing), LabelSmoothing, "it must be in [0, 1)");
    }
}
