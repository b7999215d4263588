using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.LanguageModel;

public sealed partial class CharLanguageModelTransformer
{
    private sealed class Binding : RowBinding
    {
        private readonly CharLanguageModelTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(CharLanguageModelTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, CharLanguageModelTrainer.ComponentName, owner.TextColumnName, ColumnExpectation.ScalarText());
            InputColumnIndices = [_input.Index];
            OutputColumns =
            [
                new DataViewSchema.DetachedColumn(LogLikelihoodColumnName, NumberDataViewType.Single, Annotations.None),
                new DataViewSchema.DetachedColumn(BitsPerCharColumnName, NumberDataViewType.Single, Annotations.None),
            ];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            // Per cursor: its own copy of the model; one pass over the row's text shared by both outputs.
            var model = _owner._model.Clone();
            ValueGetter<ReadOnlyMemory<char>> text = input.GetGetter<ReadOnlyMemory<char>>(_input);
            ReadOnlyMemory<char> value = default;
            double logLikelihood = 0, bits = 0;
            var cache = new RowCache(input, () =>
            {
                text(ref value);
                SequenceInput.CheckSteps(_input.Name, input.Position, value.Length, "characters");
                (logLikelihood, bits) = model.Score(value.ToString());
            });
            var getters = new Delegate?[OutputColumns.Count];
            if (active[0]) getters[0] = (ValueGetter<float>)((ref float dst) => { cache.Ensure(); dst = (float)logLikelihood; });
            if (active[1]) getters[1] = (ValueGetter<float>)((ref float dst) => { cache.Ensure(); dst = (float)bits; });
            return getters;
        }
    }
}
