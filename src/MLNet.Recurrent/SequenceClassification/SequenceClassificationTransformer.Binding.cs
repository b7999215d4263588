using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceClassification;

public sealed partial class SequenceClassificationTransformer
{
    private sealed class Binding : RowBinding
    {
        private readonly SequenceClassificationTransformer _owner;
        private readonly DataViewSchema.Column _input;
        private readonly DataViewSchema.Column? _side;

        public Binding(SequenceClassificationTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            ColumnExpectation expected = owner.Input.IsTokens ? ColumnExpectation.KeySequence() : ColumnExpectation.FloatFrames(owner.FrameSize);
            _input = InputColumns.Require(inputSchema, LstmSequenceClassifier.ComponentName, owner.FeatureColumnName, expected);
            if (owner.SideColumnName is { } side)
            {
                _side = InputColumns.Require(inputSchema, LstmSequenceClassifier.ComponentName, side, ColumnExpectation.SideFeatures(owner.SideInputSize));
                InputColumnIndices = [_input.Index, _side.Value.Index];
            }
            else InputColumnIndices = [_input.Index];
            string[] names = owner._classNames;
            OutputColumns = owner.IsBinary
                ?
                [
                    new DataViewSchema.DetachedColumn(ScoreColumnName, NumberDataViewType.Single, Annotations.None),
                    new DataViewSchema.DetachedColumn(ProbabilityColumnName, NumberDataViewType.Single, Annotations.None),
                    new DataViewSchema.DetachedColumn(PredictedLabelColumnName, BooleanDataViewType.Instance, Annotations.None),
                ]
                :
                [
                    new DataViewSchema.DetachedColumn(ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, names.Length), Annotations.SlotNames(names)),
                    new DataViewSchema.DetachedColumn(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), names.Length), Annotations.KeyValues(names)),
                ];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            // Per cursor: its own network, batch and outputs; one forward pass per row shared by all outputs.
            SequenceNetwork network = _owner.RentNetwork();
            var reader = new SequenceRowReader(input, _input, _owner.Input, _owner.MaxSequenceLength);
            SideFeatureReader? side = _side is { } sideColumn ? new SideFeatureReader(input, sideColumn) : null;
            float temperature = _owner.Temperature;
            var batch = new SequenceBatch();
            var probabilities = new Tensor(0);
            var logits = new float[_owner.ClassCount];
            int predicted = 0;
            var cache = new RowCache(input, () =>
            {
                reader.ReadInto(batch);
                if (side is not null)
                {
                    ReadOnlySpan<int> slots = side.Read(out ReadOnlySpan<float> values);
                    batch.SetSideFeatures(0, slots, values);
                }
                network.Predict(batch, probabilities);
                network.Logits.Span.CopyTo(logits);
                if (temperature != 1f) ClassScores.ApplyTemperature(logits, temperature, probabilities.Span);
                predicted = ClassScores.PredictedClass(probabilities.Span);
            });

            var getters = new Delegate?[OutputColumns.Count];
            if (_owner.IsBinary)
            {
                if (active[0]) getters[0] = (ValueGetter<float>)((ref float dst) => { cache.Ensure(); dst = ClassScores.LogOdds(logits); });
                if (active[1]) getters[1] = (ValueGetter<float>)((ref float dst) => { cache.Ensure(); dst = probabilities.Span[1]; });
                if (active[2]) getters[2] = (ValueGetter<bool>)((ref bool dst) => { cache.Ensure(); dst = predicted == 1; });
                return getters;
            }
            if (active[0])
            {
                getters[0] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                {
                    cache.Ensure();
                    var editor = VBufferEditor.Create(ref dst, probabilities.Length);
                    probabilities.Span.CopyTo(editor.Values);
                    dst = editor.Commit();
                });
            }
            if (active[1]) getters[1] = (ValueGetter<uint>)((ref uint dst) => { cache.Ensure(); dst = (uint)predicted + 1; });
            return getters;
        }
    }
}
