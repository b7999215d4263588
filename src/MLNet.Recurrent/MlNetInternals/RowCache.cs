using Microsoft.ML;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Runs a computation at most once per row of a cursor, so several output getters that share one forward
/// pass (say a score vector and a predicted label) do it once. One instance per cursor; not thread-safe,
/// like the cursor itself.
/// </summary>
internal sealed class RowCache
{
    private readonly DataViewRow _row;
    private readonly Action _compute;
    private long _position = -1;

    /// <summary>Creates a cache that calls <paramref name="compute"/> when <paramref name="row"/> moves.</summary>
    public RowCache(DataViewRow row, Action compute)
    {
        _row = row ?? throw new ArgumentNullException(nameof(row));
        _compute = compute ?? throw new ArgumentNullException(nameof(compute));
    }

    /// <summary>Computes for the current row unless already done.</summary>
    public void Ensure()
    {
        long position = _row.Position;
        if (position == _position) return;
        _compute();
        _position = position;
    }
}
