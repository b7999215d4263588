using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceLabeling.Internals;

namespace MLNet.Recurrent.SequenceLabeling;

/// <summary>
/// Labels every step of every row's sequence with the network trained by <see cref="SequenceLabeler"/>. Adds
/// <c>PredictedLabels</c>, a vector of T keys (one per step, with the label's <c>KeyValues</c>, so
/// <c>MapKeyToValue</c> turns it back into strings), and <c>Scores</c>, T x K class probabilities as one vector of
/// Single laid out step-major: the probability of class k (key k + 1) at step t is value <c>t * K + k</c> (the type
/// declares dimensions [0, K]). A softmax model's probabilities are each step's softmax; a CRF model's are the
/// per-step marginals and its labels the Viterbi path. An empty sequence gives two empty vectors. Lazy, row by row;
/// one instance serves any number of cursors and <c>PredictionEngine</c>s on any threads.
/// </summary>
public sealed partial class SequenceLabelingTransformer : RecurrentTransformerBase, IRecurrentComponent<SequenceLabelingTransformer>
{
    internal const string LoaderSignature = "RecurrentSeqLabeler";

    /// <summary>The per-step class probabilities column ([T, K] step-major).</summary>
    public const string ScoresColumnName = "Scores";

    /// <summary>The per-step predicted labels column (a key vector).</summary>
    public const string PredictedLabelsColumnName = "PredictedLabels";

    // Version 1: feature column, then a ModelFile holding the network (configuration "network.*", parameters), the
    // class names (vocabulary "classes") and, for tokens, the network id of each key ("labeler.tokenIds").
    // Version 2: with character features, also the character ids of each key's word ("labeler.spelling*").
    private static readonly ModelVersion s_version = new("RNNSEQLB", version: 2, oldestReadable: 1, LoaderSignature);

    private const string ClassVocabulary = "classes";
    private const string TokenIdsKey = "labeler.tokenIds";

    private readonly SequenceNetwork _network; // never run: each cursor runs a clone
    private readonly string[] _classNames;

    internal SequenceLabelingTransformer(IHostEnvironment env, string featureColumnName, string[] classNames, SequenceInput input,
        WordSpellings? spellings, SequenceNetwork network, TrainingResult? training)
        : base(env, s_version)
    {
        if ((spellings?.VocabularySize ?? 0) != network.Options.CharacterVocabularySize)
            ThrowHelper.BadModel(LoaderSignature, $"its spellings use {spellings?.VocabularySize ?? 0} character ids for a network of {network.Options.CharacterVocabularySize}");
        if (classNames.Length != network.Options.OutputSize || !network.Options.PerStepOutput)
            ThrowHelper.BadModel(LoaderSignature, $"it names {classNames.Length} classes for a network of {network.Options.OutputSize} outputs (per step: {network.Options.PerStepOutput})");
        if (input.VocabularySize != network.Options.InputVocabularySize || input.FrameSize != network.Options.FrameSize)
            ThrowHelper.BadModel(LoaderSignature, $"its token map has {input.VocabularySize} ids and frames of {input.FrameSize} for a network of {network.Options.InputVocabularySize} ids and frames of {network.Options.FrameSize}");
        FeatureColumnName = featureColumnName;
        _classNames = classNames;
        _network = network;
        Input = input;
        Spellings = spellings;
        Training = training;
    }

    /// <summary>The column read: a vector of keys (tokens) or of Single (frames).</summary>
    public string FeatureColumnName { get; }

    /// <summary>K, the number of labels.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The labels in key order (the label's key values as text, or "1".."K" when it had none).</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Whether the network reads tokens (keys) rather than frames.</summary>
    public bool ReadsTokens => Input.IsTokens;

    /// <summary>D, features per frame; 0 for tokens.</summary>
    public int FrameSize => Input.FrameSize;

    /// <summary>The network's shape (cell, hidden size, layers, direction, output layer, ...).</summary>
    public SequenceNetworkOptions NetworkOptions => _network.Options;

    /// <summary>How training went (epochs, best validation loss and per-step accuracy, history); null for a loaded model.</summary>
    public TrainingResult? Training { get; }

    internal SequenceInput Input { get; }

    /// <summary>Each key's character ids, for a model with character-level word features; otherwise null.</summary>
    internal WordSpellings? Spellings { get; }

    internal SequenceNetwork Network => _network;

    /// <summary>
    /// A live labeller over this model: push one token key or one frame at a time and read its label and class
    /// probabilities at once, the state carried; for the same sequence it gives what <c>Transform</c> gives. Needs a
    /// forward-only model (<c>Bidirectional = false</c>) with the Softmax output layer.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is bidirectional, ends in a CRF or reads character features.</exception>
    public SequenceLabelerStream CreateStream()
    {
        if (Spellings is not null)
            throw new InvalidOperationException(
                $"{SequenceLabeler.ComponentName}: this model reads character-level word features ('CharacterFeatures' = true), which a stream does not read yet; train with CharacterFeatures = false to stream.");
        SequenceNetwork copy;
        lock (_network) copy = _network.Clone();
        return new SequenceLabelerStream(copy, Input, _classNames);
    }

    internal static IEnumerable<SchemaShape.Column> OutputShapes() =>
    [
        SchemaShapes.Vector(ScoresColumnName, NumberDataViewType.Single, variableLength: true),
        SchemaShapes.Vector(PredictedLabelsColumnName, new KeyDataViewType(typeof(uint), 2), variableLength: true, keyValues: true),
    ];

    static ModelVersion IRecurrentComponent<SequenceLabelingTransformer>.Version => s_version;

    static SequenceLabelingTransformer IRecurrentComponent<SequenceLabelingTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        BinaryReader reader = blob.Reader;
        string feature = reader.ReadString();
        byte[] bytes = blob.ReadLengthPrefixedBytes(LoaderSignature, "network");
        ModelFile file;
        using (var stream = new MemoryStream(bytes, writable: false))
            file = ModelFile.Read(stream);
        // The documented limits, before the network is built: its own sizes are checked by SequenceNetwork.ReadFrom.
        ThrowHelper.IfLoadedAboveLimit(LoaderSignature, $"the \"{ClassVocabulary}\" vocabulary", file.GetVocabulary(ClassVocabulary).Count,
            RecurrentLimits.MaxClassCount, "RecurrentLimits.MaxClassCount");
        SequenceNetwork network = SequenceNetwork.ReadFrom(file);
        string[] classes = file.GetVocabulary(ClassVocabulary).ToArray();
        if (classes.Length != network.Options.OutputSize)
            ThrowHelper.BadModel(LoaderSignature, $"the \"{ClassVocabulary}\" vocabulary has {classes.Length} entries; the network predicts {network.Options.OutputSize} tags");
        SequenceInput input = network.Options.TokenInput
            ? SequenceInput.LoadedTokens(file.Configuration.GetInt32Array(TokenIdsKey), network.Options.InputVocabularySize, LoaderSignature, TokenIdsKey)
            : SequenceInput.Frames(network.Options.FrameSize);
        return new SequenceLabelingTransformer(env, feature, classes, input, WordSpellings.ReadFrom(file, LoaderSignature), network, training: null);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(FeatureColumnName);
        var file = new ModelFile();
        _network.WriteTo(file);
        file.AddVocabulary(ClassVocabulary, _classNames);
        if (Input.TokenIds is { } ids) file.Configuration.Set(TokenIdsKey, ids);
        Spellings?.WriteTo(file);
        ComponentBlob.WriteLengthPrefixed(writer, file.Write);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    /// <summary>A copy of the network for one cursor: networks own their workspaces and are not thread-safe.</summary>
    private SequenceNetwork RentNetwork()
    {
        lock (_network) return _network.Clone();
    }
}
