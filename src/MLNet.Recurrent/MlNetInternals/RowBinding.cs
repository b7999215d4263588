using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// A fitted transformer bound to one input schema: which input columns it reads, which columns it adds, and
/// how to compute them for a row. Made by <c>RecurrentTransformerBase.Bind</c>, which validates the schema
/// first; knows nothing of ML.NET internals.
/// </summary>
internal abstract class RowBinding
{
    /// <summary>Binds to <paramref name="inputSchema"/>.</summary>
    protected RowBinding(DataViewSchema inputSchema)
    {
        InputSchema = inputSchema ?? throw new ArgumentNullException(nameof(inputSchema));
    }

    /// <summary>The schema this binding was made for.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>Indices (in <see cref="InputSchema"/>) of the columns any output is computed from.</summary>
    public abstract IReadOnlyList<int> InputColumnIndices { get; }

    /// <summary>The columns added to the input; a name already in the input hides the old column.</summary>
    public abstract IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    /// <summary>
    /// Makes getters for one cursor over <paramref name="input"/>: entry i is a <c>ValueGetter&lt;T&gt;</c> of
    /// <see cref="OutputColumns"/>[i]'s type when <paramref name="active"/>[i], else null. Outputs computed
    /// together (one forward pass) can share per-cursor state; see <see cref="RowCache"/>.
    /// </summary>
    public abstract Delegate?[] CreateGetters(DataViewRow input, bool[] active);
}
