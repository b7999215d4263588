using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.EchoState.Internals;

/// <summary>Reads one step of S series per row from a Single or known-size Single vector column, as double.</summary>
internal sealed class SeriesColumnReader
{
    private readonly DataViewRow _row;
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<float>? _scalar;
    private readonly ValueGetter<VBuffer<float>>? _vector;
    private VBuffer<float> _buffer;

    public SeriesColumnReader(DataViewRow row, DataViewSchema.Column column)
    {
        _row = row;
        _column = column;
        if (column.Type is VectorDataViewType v)
        {
            Size = v.Size;
            _vector = row.GetGetter<VBuffer<float>>(column);
        }
        else
        {
            Size = 1;
            _scalar = row.GetGetter<float>(column);
        }
    }

    /// <summary>S: values per row.</summary>
    public int Size { get; }

    /// <summary>Reads the current row into <paramref name="destination"/> (length S), checking every value is finite.</summary>
    public void Read(Span<double> destination)
    {
        if (_scalar is not null)
        {
            float value = 0;
            _scalar(ref value);
            destination[0] = value;
        }
        else
        {
            _vector!(ref _buffer);
            destination[..Size].Clear();
            if (_buffer.IsDense)
            {
                ReadOnlySpan<float> values = _buffer.GetValues();
                for (int i = 0; i < Size; i++) destination[i] = values[i];
            }
            else
            {
                ReadOnlySpan<float> values = _buffer.GetValues();
                ReadOnlySpan<int> indices = _buffer.GetIndices();
                for (int i = 0; i < values.Length; i++) destination[indices[i]] = values[i];
            }
        }
        for (int i = 0; i < Size; i++)
            if (!double.IsFinite(destination[i]))
                ThrowHelper.RowValue(_column.Name, _row.Position, $"{(Size > 1 ? $"slot {i} " : "")}holds {destination[i]}; every step must be a finite number (fill missing readings first, e.g. with ReplaceMissingValues)");
    }

    /// <summary>Every row of the column, in order, <c>[T, S]</c> row-major.</summary>
    public static double[] ReadAll(IDataView data, DataViewSchema.Column column, TrainingSession session)
    {
        var values = new List<double>();
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        var reader = new SeriesColumnReader(cursor, column);
        var step = new double[reader.Size];
        long rows = 0;
        while (cursor.MoveNext())
        {
            if ((rows++ & 4095) == 0) session.ThrowIfCanceled();
            reader.Read(step);
            values.AddRange(step);
        }
        return values.ToArray();
    }
}
