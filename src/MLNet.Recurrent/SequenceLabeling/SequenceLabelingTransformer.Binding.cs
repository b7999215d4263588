using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceLabeling.Internals;

namespace MLNet.Recurrent.SequenceLabeling;

public sealed partial class SequenceLabelingTransformer
{
    private sealed class Binding : RowBinding
    {
        private readonly SequenceLabelingTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(SequenceLabelingTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            ColumnExpectation expected = owner.Input.IsTokens ? ColumnExpectation.KeySequence() : ColumnExpectation.FloatFrames(owner.FrameSize);
            _input = InputColumns.Require(inputSchema, SequenceLabeler.ComponentName, owner.FeatureColumnName, expected);
            InputColumnIndices = [_input.Index];
            string[] names = owner._classNames;
            OutputColumns =
            [
                new DataViewSchema.DetachedColumn(ScoresColumnName, new VectorDataViewType(NumberDataViewType.Single, 0, names.Length), Annotations.None),
                new DataViewSchema.DetachedColumn(PredictedLabelsColumnName, new VectorDataViewType(new KeyDataViewType(typeof(uint), names.Length)), Annotations.KeyValues(names)),
            ];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            // Per cursor: its own network, batch and outputs; one forward pass per row shared by both outputs.
            SequenceNetwork network = _owner.RentNetwork();
            var reader = new LabelingRowReader(input, _input, null, _owner.Input);
            var batch = new SequenceBatch();
            var probabilities = new Tensor(0);
            int[] labels = [];
            int steps = 0, k = _owner.ClassCount;
            WordSpellings? spellings = _owner.Spellings;
            List<int> characters = [], counts = [];
            var cache = new RowCache(input, () =>
            {
                if (_owner.Input.IsTokens)
                {
                    ReadOnlySpan<int> ids = reader.ReadTokens();
                    steps = ids.Length;
                    if (steps == 0) return;
                    batch.Reset(1, steps, 0, perStepTargets: true);
                    batch.SetTokens(0, ids);
                    spellings?.Fill(batch, 0, reader.LastKeys, characters, counts);
                }
                else
                {
                    ReadOnlySpan<float> frames = reader.ReadFrames();
                    steps = reader.StepsOf(frames.Length);
                    if (steps == 0) return;
                    batch.Reset(1, steps, _owner.FrameSize, perStepTargets: true);
                    batch.SetFrames(0, frames);
                }
                if (labels.Length < steps) labels = new int[Math.Max(steps, 2 * labels.Length)];
                network.Label(batch, labels, probabilities);
            });

            var getters = new Delegate?[OutputColumns.Count];
            if (active[0])
            {
                getters[0] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                {
                    cache.Ensure();
                    var editor = VBufferEditor.Create(ref dst, steps * k);
                    if (steps > 0) probabilities.Span[..(steps * k)].CopyTo(editor.Values);
                    dst = editor.Commit();
                });
            }
            if (active[1])
            {
                getters[1] = (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> dst) =>
                {
                    cache.Ensure();
                    var editor = VBufferEditor.Create(ref dst, steps);
                    for (int t = 0; t < steps; t++) editor.Values[t] = (uint)labels[t] + 1;
                    dst = editor.Commit();
                });
            }
            return getters;
        }
    }
}
