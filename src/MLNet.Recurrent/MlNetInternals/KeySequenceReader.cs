using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Reads a vector-of-keys column (tokens after <c>MapValueToKey</c>) row by row as zero-based ids: key k
/// (ML.NET keys are 1-based) reads as k - 1 and the missing key 0 (a value unseen when the keys were built)
/// reads as -1. One reader per cursor; no allocation once its buffer has grown to the longest row.
/// </summary>
internal sealed class KeySequenceReader
{
    private readonly Func<Span<int>> _read;
    private readonly DataViewRow _row;
    private readonly string _columnName;
    private int[] _ids = [];

    /// <summary>Creates a reader of <paramref name="column"/> on <paramref name="row"/> (a cursor).</summary>
    /// <param name="row">The cursor; the column must be active on it.</param>
    /// <param name="column">A vector of keys whose raw type is byte, ushort, uint or ulong, with at most int.MaxValue keys.</param>
    public KeySequenceReader(DataViewRow row, DataViewSchema.Column column)
    {
        ArgumentNullException.ThrowIfNull(row);
        _row = row;
        _columnName = column.Name;
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
        {
            ThrowHelper.ColumnType("KeySequenceReader", column.Name, ThrowHelper.Describe(column.Type), "a vector of keys");
            return;
        }
        if (key.Count > int.MaxValue)
            ThrowHelper.ColumnType("KeySequenceReader", column.Name, ThrowHelper.Describe(column.Type), $"at most {int.MaxValue} keys");
        KeyCount = (int)key.Count;
        _read = key.RawType switch
        {
            Type t when t == typeof(uint) => Make<uint>(row, column, k => k),
            Type t when t == typeof(ushort) => Make<ushort>(row, column, k => k),
            Type t when t == typeof(byte) => Make<byte>(row, column, k => k),
            Type t when t == typeof(ulong) => Make<ulong>(row, column, k => k),
            _ => throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' has keys of raw type {key.RawType.Name}; expected byte, ushort, uint or ulong."),
        };
    }

    /// <summary>Number of distinct keys (the vocabulary size V); ids read are in [-1, V).</summary>
    public int KeyCount { get; }

    /// <summary>Reads the current row's ids, valid until the next call.</summary>
    public ReadOnlySpan<int> Read() => _read();

    private Func<Span<int>> Make<T>(DataViewRow row, DataViewSchema.Column column, Func<T, ulong> toUlong)
    {
        ValueGetter<VBuffer<T>> getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return () =>
        {
            getter(ref buffer);
            int length = buffer.Length;
            SequenceInput.CheckSteps(_columnName, _row.Position, length, "keys");
            if (_ids.Length < length) _ids = new int[Math.Max(length, 2 * _ids.Length)];
            Span<int> ids = _ids.AsSpan(0, length);
            ids.Fill(-1); // implicit entries of a sparse vector are key 0, the missing key
            ReadOnlySpan<T> values = buffer.GetValues();
            if (buffer.IsDense)
            {
                for (int i = 0; i < length; i++) ids[i] = (int)toUlong(values[i]) - 1;
            }
            else
            {
                ReadOnlySpan<int> indices = buffer.GetIndices();
                for (int i = 0; i < values.Length; i++) ids[indices[i]] = (int)toUlong(values[i]) - 1;
            }
            return ids;
        };
    }
}
