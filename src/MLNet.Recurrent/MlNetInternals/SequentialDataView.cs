using Microsoft.ML;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// A view of a transform's output that is only ever read by one cursor in row order: ML.NET otherwise splits a
/// row-to-row transform over parallel cursors (each seeing a share of the rows), which a transform carrying
/// state from row to row (a forecaster's reservoir) cannot allow. Every cursor request, including
/// <c>GetRowCursorSet</c>, gets one unshuffled cursor from <c>inner.GetRowCursorSet(columns, 1)</c>, the one path on which
/// ML.NET does not split.
/// </summary>
internal sealed class SequentialDataView : IDataView
{
    private readonly IDataView _inner;

    public SequentialDataView(IDataView inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _inner.Schema;

    public long? GetRowCount() => _inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        DataViewRowCursor[] cursors = _inner.GetRowCursorSet(columnsNeeded, 1, null);
        if (cursors.Length == 1) return cursors[0];
        foreach (var c in cursors) c.Dispose();
        throw new InvalidOperationException($"The input view returned {cursors.Length} cursors when asked for one; a sequential transform needs the rows in order.");
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
