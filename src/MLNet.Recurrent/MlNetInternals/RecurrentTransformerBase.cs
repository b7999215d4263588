using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Base of every MLNet.Recurrent transformer: a row-to-row transformer in ML.NET's own sense (lazy, cursor
/// by cursor, only active columns computed; loadable by plain <c>MLContext.Model.Load</c>). A component
/// supplies three things: a <see cref="RowBinding"/> for an input schema, its saved bytes, and (through
/// <see cref="IRecurrentComponent{TSelf}"/>) a way to read them back.
/// </summary>
public abstract class RecurrentTransformerBase : RowToRowTransformerBase
{
    private protected RecurrentTransformerBase(IHostEnvironment env, ModelVersion version)
        : base(Contracts.CheckRef(env, nameof(env)).Register(version.LoaderSignature))
    {
        ModelVersion = version;
    }

    internal ModelVersion ModelVersion { get; }

    /// <summary>The host (logging, exceptions) this transformer was registered with.</summary>
    internal IHost Environment => Host;

    /// <summary>
    /// Checks <paramref name="inputSchema"/> (throw through <see cref="InputColumns.Require(DataViewSchema, string, string, ColumnExpectation)"/>)
    /// and describes the output columns and how to compute them. Called on every <c>GetOutputSchema</c>
    /// and <c>Transform</c>, so it must be cheap; the work belongs in the getters.
    /// </summary>
    private protected abstract RowBinding Bind(DataViewSchema inputSchema);

    /// <summary>Writes everything the transformer needs to be rebuilt (options, column names, learned state).</summary>
    private protected abstract void SaveBlob(BinaryWriter writer);

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(ModelVersion.ToVersionInfo(GetType()));
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            SaveBlob(writer);
        ctx.Writer.WriteByteArray(stream.GetBuffer().AsSpan(0, checked((int)stream.Length)));
    }

    /// <inheritdoc/>
    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

    /// <summary>ML.NET's mapper over a <see cref="RowBinding"/>: output columns lazily, getters per cursor.</summary>
    private sealed class Mapper : MapperBase
    {
        private readonly RecurrentTransformerBase _owner;
        private readonly RowBinding _binding;

        public Mapper(RecurrentTransformerBase parent, DataViewSchema inputSchema)
            : base(parent.Host.Register(nameof(Mapper)), inputSchema, parent)
        {
            _owner = parent;
            // Bind now, not lazily: a wrong input must fail at Transform/GetOutputSchema, before any cursor.
            _binding = parent.Bind(inputSchema);
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _binding.OutputColumns.ToArray();

        public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
        {
            int n = OutputColumns.Value.Length;
            var active = new bool[n];
            bool any = false;
            for (int i = 0; i < n; i++) any |= active[i] = activeOutput(i);
            disposer = null!;
            if (!any) return new Delegate[n];
            Delegate?[] getters = _binding.CreateGetters(input, active);
            if (getters.Length != n)
                throw Host.ExceptNotSupp($"{_binding.GetType().Name} returned {getters.Length} getters for {n} output columns.");
            var result = new Delegate[n];
            for (int i = 0; i < n; i++)
            {
                if (!active[i]) continue;
                result[i] = getters[i] ?? throw Host.ExceptNotSupp($"{_binding.GetType().Name} gave no getter for active output '{OutputColumns.Value[i].Name}'.");
            }
            return result;
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer) =>
            throw Host.ExceptNotSupp("Getters are made together by CreateGetters.");

        protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
        {
            int n = OutputColumns.Value.Length;
            bool any = false;
            for (int i = 0; i < n && !any; i++) any = activeOutput(i);
            if (!any) return _ => false;
            var needed = new HashSet<int>(_binding.InputColumnIndices);
            return needed.Contains;
        }

        protected override void SaveModel(ModelSaveContext ctx) => _owner.SaveModel(ctx);
    }
}
