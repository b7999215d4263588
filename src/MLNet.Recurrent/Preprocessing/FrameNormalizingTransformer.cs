using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.Preprocessing;

/// <summary>
/// Standardizes every frame of a sequence-of-frames column with the per-feature mean and standard deviation
/// learned by <see cref="FrameNormalizingEstimator"/>.
/// </summary>
public sealed class FrameNormalizingTransformer : RecurrentTransformerBase, IRecurrentComponent<FrameNormalizingTransformer>
{
    internal const string LoaderSignature = "RecurrentFrameNorm";

    // Version 1: input column, output column, FeatureStandardizer.
    private static readonly ModelVersion s_version = new("FRMNORMZ", version: 1, oldestReadable: 1, LoaderSignature);

    private readonly FeatureStandardizer _standardizer;

    internal FrameNormalizingTransformer(IHostEnvironment env, string inputColumnName, string outputColumnName, FeatureStandardizer standardizer)
        : base(env, s_version)
    {
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        _standardizer = standardizer;
    }

    /// <summary>The column read: T frames of <see cref="FrameSize"/> features.</summary>
    public string InputColumnName { get; }

    /// <summary>The column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>D, features per frame.</summary>
    public int FrameSize => _standardizer.FeatureCount;

    /// <summary>The learned per-feature means, length D.</summary>
    public IReadOnlyList<float> Mean => _standardizer.Mean.ToArray();

    /// <summary>The learned per-feature (population) standard deviations, length D; 1 for a constant feature.</summary>
    public IReadOnlyList<float> StandardDeviation => _standardizer.StandardDeviation.ToArray();

    static ModelVersion IRecurrentComponent<FrameNormalizingTransformer>.Version => s_version;

    static FrameNormalizingTransformer IRecurrentComponent<FrameNormalizingTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        string input = blob.Reader.ReadString();
        string output = blob.Reader.ReadString();
        return new FrameNormalizingTransformer(env, input, output, FeatureStandardizer.ReadFrom(blob.Reader));
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(InputColumnName);
        writer.Write(OutputColumnName);
        _standardizer.WriteTo(writer);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    private sealed class Binding : RowBinding
    {
        private readonly FrameNormalizingTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(FrameNormalizingTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, FrameNormalizingEstimator.ComponentName, owner.InputColumnName,
                ColumnExpectation.FloatFrames(owner.FrameSize));
            InputColumnIndices = [_input.Index];
            OutputColumns = [new DataViewSchema.DetachedColumn(owner.OutputColumnName, _input.Type, Annotations.None)];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            var reader = new FrameSequenceReader(input, _input, _owner.FrameSize);
            FeatureStandardizer standardizer = _owner._standardizer;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                ReadOnlySpan<float> frames = reader.Read(out _);
                var editor = VBufferEditor.Create(ref dst, frames.Length);
                standardizer.Apply(frames, editor.Values);
                dst = editor.Commit();
            };
            return [getter];
        }
    }
}
