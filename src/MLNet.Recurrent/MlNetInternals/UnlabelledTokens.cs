using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>Reads the token rows of unlabelled text (a key vector column) into the ids a fitted vocabulary gives them.</summary>
internal static class UnlabelledTokens
{
    /// <summary>
    /// Every non-empty row of <paramref name="column"/> in <paramref name="view"/>, as ids of <paramref name="kept"/>
    /// (keys the training rows kept have their own id; every other key, and the missing key, is the unknown id 0),
    /// cut to <paramref name="maxLength"/> steps (0: never).
    /// </summary>
    /// <param name="component">The estimator's name, for messages.</param>
    /// <param name="option">The option that supplied the view, for messages.</param>
    /// <param name="view">The unlabelled rows.</param>
    /// <param name="column">The token column's name; it must hold keys of the same count as the training column.</param>
    /// <param name="keyCount">The training column's key count.</param>
    /// <param name="kept">The training rows' vocabulary.</param>
    /// <param name="maxLength">Rows are cut to this many steps; 0 never.</param>
    /// <param name="session">The fit's session, for cancellation.</param>
    public static List<int[]> Read(string component, string option, IDataView view, string column, int keyCount, SequenceInput kept, int maxLength, TrainingSession session)
    {
        DataViewSchema.Column features = InputColumns.Require(view.Schema, component, column, ColumnExpectation.KeySequence());
        ulong count = ((KeyDataViewType)features.Type.GetItemType()).Count;
        if (count != (ulong)keyCount)
            ThrowHelper.OutOfRange(option, $"a view whose column '{column}' has {count} keys",
                $"its tokens must be keys of the training column's vocabulary ({keyCount} keys): map the unlabelled text with the same fitted MapValueToKey");
        var rows = new List<int[]>();
        long read = 0;
        using DataViewRowCursor cursor = view.GetRowCursor([features]);
        var reader = new SequenceRowReader(cursor, features, kept, maxLength);
        while (cursor.MoveNext())
        {
            if ((read++ & 255) == 0) session.ThrowIfCanceled();
            ReadOnlySpan<int> ids = reader.ReadTokens(out _);
            if (ids.Length > 0) rows.Add(ids.ToArray());
        }
        return rows;
    }
}
