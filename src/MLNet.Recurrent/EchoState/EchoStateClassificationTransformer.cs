using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.EchoState;

/// <summary>
/// Classifies each row's sequence of frames with a fitted <see cref="ReservoirClassifier"/>: <c>Score</c> (K values:
/// ridge outputs or logistic probabilities) and a key <c>PredictedLabel</c>. Rows are independent (the reservoir
/// restarts from zero for each row). An empty sequence scores as a zero pooled state (the readout's bias).
/// </summary>
public sealed class EchoStateClassificationTransformer : RecurrentTransformerBase, IRecurrentComponent<EchoStateClassificationTransformer>
{
    internal const string LoaderSignature = "RecurrentEsnClassify";
    internal const string ScoreColumnName = "Score";
    internal const string PredictedLabelColumnName = "PredictedLabel";

    // Version 1: feature column, frame size, class names, the classifier's model file (length-prefixed).
    private static readonly ModelVersion s_version = new("ESNCLASS", version: 1, oldestReadable: 1, LoaderSignature);

    private readonly string[] _classNames;

    internal EchoStateClassificationTransformer(IHostEnvironment env, string featureColumnName, int frameSize, string[] classNames, ReservoirClassifier classifier)
        : base(env, s_version)
    {
        FeatureColumnName = featureColumnName;
        FrameSize = frameSize;
        _classNames = classNames;
        Classifier = classifier;
    }

    /// <summary>The column read: T frames of <see cref="FrameSize"/> features.</summary>
    public string FeatureColumnName { get; }

    /// <summary>D, features per frame.</summary>
    public int FrameSize { get; }

    /// <summary>The class names, in key order.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The fitted reservoir and readout.</summary>
    public ReservoirClassifier Classifier { get; }

    internal static IEnumerable<SchemaShape.Column> OutputShapes() =>
    [
        SchemaShapes.Vector(ScoreColumnName, NumberDataViewType.Single, variableLength: false, slotNames: true),
        SchemaShapes.Scalar(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), 2), keyValues: true),
    ];

    static ModelVersion IRecurrentComponent<EchoStateClassificationTransformer>.Version => s_version;

    static EchoStateClassificationTransformer IRecurrentComponent<EchoStateClassificationTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        string feature = blob.Reader.ReadString();
        int frameSize = blob.Reader.ReadInt32();
        int count = blob.Reader.ReadInt32();
        if (frameSize <= 0 || count < 2 || count > RecurrentLimits.MaxClassCount)
            ThrowHelper.BadModel(LoaderSignature, $"frame size {frameSize} and {count} classes are out of range (at least 2 and at most {RecurrentLimits.MaxClassCount} classes, RecurrentLimits.MaxClassCount)");
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = blob.Reader.ReadString();
        using var stream = new MemoryStream(blob.ReadLengthPrefixedBytes(LoaderSignature, "classifier"), writable: false);
        var classifier = ReservoirClassifier.Load(stream);
        if (classifier.ClassCount != count || classifier.Reservoir.InputSize != frameSize)
            ThrowHelper.BadModel(LoaderSignature, $"its classifier has {classifier.ClassCount} classes and {classifier.Reservoir.InputSize} features, the header {count} and {frameSize}");
        return new EchoStateClassificationTransformer(env, feature, frameSize, names, classifier);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(FeatureColumnName);
        writer.Write(FrameSize);
        writer.Write(_classNames.Length);
        foreach (string name in _classNames) writer.Write(name);
        using var stream = new MemoryStream();
        Classifier.Save(stream);
        writer.Write(checked((int)stream.Length));
        writer.Write(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    private sealed class Binding : RowBinding
    {
        private readonly EchoStateClassificationTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(EchoStateClassificationTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, EchoStateSequenceClassifier.ComponentName, owner.FeatureColumnName, ColumnExpectation.FloatFrames(owner.FrameSize));
            InputColumnIndices = [_input.Index];
            string[] names = owner._classNames;
            OutputColumns =
            [
                new DataViewSchema.DetachedColumn(ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, names.Length), Annotations.SlotNames(names)),
                new DataViewSchema.DetachedColumn(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), names.Length), Annotations.KeyValues(names)),
            ];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            var reader = new FrameSequenceReader(input, _input, _owner.FrameSize);
            ReservoirClassifier classifier = _owner.Classifier;
            int k = classifier.ClassCount;
            var scores = new double[k];
            double[] sequence = [];
            var cache = new RowCache(input, () =>
            {
                ReadOnlySpan<float> frames = reader.Read(out _);
                if (sequence.Length != frames.Length) sequence = new double[frames.Length];
                for (int i = 0; i < frames.Length; i++) sequence[i] = frames[i];
                classifier.Scores(sequence).CopyTo(scores, 0);
            });
            ValueGetter<VBuffer<float>> score = (ref VBuffer<float> dst) =>
            {
                cache.Ensure();
                var editor = VBufferEditor.Create(ref dst, k);
                for (int c = 0; c < k; c++) editor.Values[c] = (float)scores[c];
                dst = editor.Commit();
            };
            ValueGetter<uint> predicted = (ref uint dst) =>
            {
                cache.Ensure();
                int best = 0;
                for (int c = 1; c < k; c++) if (scores[c] > scores[best]) best = c;
                dst = (uint)best + 1;
            };
            return [active[0] ? score : null, active[1] ? predicted : null];
        }
    }
}
