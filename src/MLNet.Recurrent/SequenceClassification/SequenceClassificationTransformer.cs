using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceClassification;

/// <summary>
/// Predicts a class for every row's sequence with the network trained by <see cref="LstmSequenceClassifier"/>.
/// Multiclass (key label): adds <c>Score</c>, a vector of the K class probabilities named by <c>SlotNames</c>, and
/// <c>PredictedLabel</c>, the most probable class as a key with the label's <c>KeyValues</c>. Binary (Boolean
/// label): adds <c>Score</c> (the log-odds of true), <c>Probability</c> (of true) and <c>PredictedLabel</c>
/// (true when the probability is above 0.5). Lazy, row by row; one instance serves any number of cursors and
/// <c>PredictionEngine</c>s on any threads (each cursor computes with its own copy of the network).
/// </summary>
public sealed partial class SequenceClassificationTransformer : RecurrentTransformerBase, IRecurrentComponent<SequenceClassificationTransformer>
{
    internal const string LoaderSignature = "RecurrentSeqClassifier";

    /// <summary>The score column: class probabilities (multiclass) or log-odds (binary).</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>The predicted-class column.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The probability-of-true column (binary only).</summary>
    public const string ProbabilityColumnName = "Probability";

    // Version 1: feature column, binary flag, max sequence length, then a ModelFile holding the network
    // (configuration "network.*", parameters), the class names (vocabulary "classes") and, for tokens, the network
    // id of each key (configuration "classifier.tokenIds").
    // Version 2: the same layout; the configuration may also hold "classifier.sideColumn" (the side input's column,
    // for a network with a side input) and "classifier.temperature" (temperature scaling; absent means 1).
    private static readonly ModelVersion s_version = new("RNNSEQCL", version: 2, oldestReadable: 1, LoaderSignature);

    private const string ClassVocabulary = "classes";
    private const string TokenIdsKey = "classifier.tokenIds";
    private const string SideColumnKey = "classifier.sideColumn";
    private const string TemperatureKey = "classifier.temperature";

    private readonly SequenceNetwork _network; // never run: each cursor runs a clone
    private readonly string[] _classNames;

    internal SequenceClassificationTransformer(IHostEnvironment env, string featureColumnName, bool binary, string[] classNames,
        int maxSequenceLength, SequenceInput input, SequenceNetwork network, TrainingResult? training, string? sideColumnName, float temperature)
        : base(env, s_version)
    {
        if (network.Options.HasSideInput != (sideColumnName is not null))
            ThrowHelper.BadModel(LoaderSignature, network.Options.HasSideInput
                ? $"its network reads a side input of {network.Options.SideInputSize} slots but no side column is named"
                : $"it names the side column '{sideColumnName}' for a network without a side input");
        if (!(temperature > 0) || float.IsInfinity(temperature))
            ThrowHelper.BadModel(LoaderSignature, $"its temperature is {temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}; it must be a positive finite number");
        SideColumnName = sideColumnName;
        Temperature = temperature;
        if (classNames.Length != network.Options.OutputSize || (binary && classNames.Length != 2))
            ThrowHelper.BadModel(LoaderSignature, $"it names {classNames.Length} classes for a network of {network.Options.OutputSize} outputs");
        FeatureColumnName = featureColumnName;
        IsBinary = binary;
        _classNames = classNames;
        MaxSequenceLength = maxSequenceLength;
        _network = network;
        Training = training;
        if (input.VocabularySize != network.Options.InputVocabularySize || input.FrameSize != network.Options.FrameSize)
            ThrowHelper.BadModel(LoaderSignature, $"its token map has {input.VocabularySize} ids and frames of {input.FrameSize} for a network of {network.Options.InputVocabularySize} ids and frames of {network.Options.FrameSize}");
        Input = input;
    }

    /// <summary>The column read: a vector of keys (tokens) or of Single (frames).</summary>
    public string FeatureColumnName { get; }

    /// <summary>The side-input column joined with the recurrent summary (a Single or a known-size Single vector of <see cref="SideInputSize"/> slots); null without a side input.</summary>
    public string? SideColumnName { get; }

    /// <summary>S, the slots of the side input; 0 without one.</summary>
    public int SideInputSize => _network.Options.SideInputSize;

    /// <summary>T of temperature scaling: probabilities are <c>softmax(logits / T)</c> (and a binary score the log-odds divided by T); 1 when none was fitted.</summary>
    public float Temperature { get; }

    /// <summary>Whether the label was Boolean (outputs Score, Probability, PredictedLabel) rather than a key.</summary>
    public bool IsBinary { get; }

    /// <summary>K, the number of classes.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>The classes in key order (the label's key values as text); "False", "True" for a Boolean label.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Whether the network reads tokens (keys) rather than frames.</summary>
    public bool ReadsTokens => Input.IsTokens;

    /// <summary>N, the number of token keys the feature column had at training (keys beyond it read as unknown); 0 for frames.</summary>
    public int TokenKeyCount => Input.KeyCount;

    /// <summary>How many of the <see cref="TokenKeyCount"/> keys have their own embedding (the rest share the unknown one); 0 for frames.</summary>
    public int EmbeddedTokenCount => Input.IsTokens ? Input.VocabularySize - 1 : 0;

    /// <summary>D, features per frame; 0 for tokens.</summary>
    public int FrameSize => Input.FrameSize;

    /// <summary>Rows longer than this are cut to their first this-many steps before prediction; 0 means never.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>The network's shape (cell, hidden size, layers, pooling, ...).</summary>
    public SequenceNetworkOptions NetworkOptions => _network.Options;

    /// <summary>How training went (epochs, best validation loss and accuracy, history); null for a loaded model.</summary>
    public TrainingResult? Training { get; }

    internal SequenceInput Input { get; }

    /// <summary>The trained network (for tests and inspection; never run it: cursors run clones).</summary>
    internal SequenceNetwork Network => _network;

    internal static IEnumerable<SchemaShape.Column> MulticlassOutputShapes() =>
    [
        SchemaShapes.Vector(ScoreColumnName, NumberDataViewType.Single, variableLength: false, slotNames: true),
        SchemaShapes.Scalar(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), 2), keyValues: true),
    ];

    internal static IEnumerable<SchemaShape.Column> BinaryOutputShapes() =>
    [
        SchemaShapes.Scalar(ScoreColumnName, NumberDataViewType.Single),
        SchemaShapes.Scalar(ProbabilityColumnName, NumberDataViewType.Single),
        SchemaShapes.Scalar(PredictedLabelColumnName, BooleanDataViewType.Instance),
    ];

    static ModelVersion IRecurrentComponent<SequenceClassificationTransformer>.Version => s_version;

    static SequenceClassificationTransformer IRecurrentComponent<SequenceClassificationTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        BinaryReader reader = blob.Reader;
        string feature = reader.ReadString();
        bool binary = reader.ReadBoolean();
        int maxLength = reader.ReadInt32();
        byte[] bytes = blob.ReadLengthPrefixedBytes(LoaderSignature, "network");
        ModelFile file;
        using (var stream = new MemoryStream(bytes, writable: false))
            file = ModelFile.Read(stream);
        // The documented limits, before the network is built: its own sizes are checked by SequenceNetwork.ReadFrom.
        ThrowHelper.IfLoadedAboveLimit(LoaderSignature, $"the \"{ClassVocabulary}\" vocabulary", file.GetVocabulary(ClassVocabulary).Count,
            RecurrentLimits.MaxClassCount, "RecurrentLimits.MaxClassCount");
        SequenceNetwork network = SequenceNetwork.ReadFrom(file);
        string[] classes = file.GetVocabulary(ClassVocabulary).ToArray();
        SequenceInput input = network.Options.TokenInput
            ? SequenceInput.LoadedTokens(file.Configuration.GetInt32Array(TokenIdsKey), network.Options.InputVocabularySize, LoaderSignature, TokenIdsKey)
            : SequenceInput.Frames(network.Options.FrameSize);
        string? side = file.Configuration.Contains(SideColumnKey) ? file.Configuration.GetString(SideColumnKey) : null;
        float temperature = file.Configuration.Contains(TemperatureKey) ? file.Configuration.GetSingle(TemperatureKey) : 1f;
        return new SequenceClassificationTransformer(env, feature, binary, classes, maxLength, input, network, training: null, side, temperature);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(FeatureColumnName);
        writer.Write(IsBinary);
        writer.Write(MaxSequenceLength);
        var file = new ModelFile();
        _network.WriteTo(file);
        file.AddVocabulary(ClassVocabulary, _classNames);
        if (Input.TokenIds is { } ids) file.Configuration.Set(TokenIdsKey, ids);
        if (SideColumnName is not null) file.Configuration.Set(SideColumnKey, SideColumnName);
        if (Temperature != 1f) file.Configuration.Set(TemperatureKey, Temperature);
        ComponentBlob.WriteLengthPrefixed(writer, file.Write);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    /// <summary>A copy of the network for one cursor: networks own their workspaces and are not thread-safe.</summary>
    private SequenceNetwork RentNetwork()
    {
        lock (_network) return _network.Clone();
    }
}
