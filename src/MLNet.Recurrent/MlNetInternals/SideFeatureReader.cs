using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Reads a classifier's side-input column row by row as its non-zero entries (slot, value): a single Single (S = 1)
/// or a vector of Single of known size S, sparse (as <c>FeaturizeText</c> writes it) or dense. A sparse row is read
/// as it is stored, never densified. Every value must be finite. One reader per cursor; no allocation once its
/// buffers have grown to the densest row.
/// </summary>
internal sealed class SideFeatureReader
{
    private readonly DataViewRow _row;
    private readonly string _column;
    private readonly ValueGetter<VBuffer<float>>? _vector;
    private readonly ValueGetter<float>? _scalar;
    private VBuffer<float> _buffer;
    private int[] _indices = [];
    private float[] _values = [];
    private float _one;

    /// <summary>Creates a reader of <paramref name="column"/> (already checked by <see cref="Expectation"/>) on <paramref name="row"/>.</summary>
    public SideFeatureReader(DataViewRow row, DataViewSchema.Column column)
    {
        _row = row;
        _column = column.Name;
        if (column.Type is VectorDataViewType) _vector = row.GetGetter<VBuffer<float>>(column);
        else _scalar = row.GetGetter<float>(column);
    }

    /// <summary>What a side-input column must be.</summary>
    public static ColumnExpectation Expectation() => ColumnExpectation.SideFeatures();

    /// <summary>S, the slots of a (checked) side-input column type.</summary>
    public static int SizeOf(DataViewType type) => type is VectorDataViewType v ? v.Size : 1;

    /// <summary>Reads the current row's non-zero entries; the spans are valid until the next read.</summary>
    /// <param name="values">The non-zero values, one per returned slot.</param>
    /// <returns>The non-zero slots, ascending for a sparse or dense vector.</returns>
    public ReadOnlySpan<int> Read(out ReadOnlySpan<float> values)
    {
        if (_scalar is not null)
        {
            _scalar(ref _one);
            Check(_one, 0);
            if (_indices.Length == 0) (_indices, _values) = (new int[1], new float[1]);
            _values[0] = _one;
            values = _one == 0 ? default : _values.AsSpan(0, 1);
            return _one == 0 ? default : _indices.AsSpan(0, 1);
        }
        _vector!(ref _buffer);
        ReadOnlySpan<float> stored = _buffer.GetValues();
        if (_indices.Length < stored.Length)
        {
            _indices = new int[Math.Max(stored.Length, 2 * _indices.Length)];
            _values = new float[_indices.Length];
        }
        ReadOnlySpan<int> slots = _buffer.IsDense ? default : _buffer.GetIndices();
        int count = 0;
        for (int j = 0; j < stored.Length; j++)
        {
            int slot = _buffer.IsDense ? j : slots[j];
            Check(stored[j], slot);
            if (stored[j] == 0) continue;
            _indices[count] = slot;
            _values[count++] = stored[j];
        }
        values = _values.AsSpan(0, count);
        return _indices.AsSpan(0, count);
    }

    private void Check(float value, int slot)
    {
        if (!float.IsFinite(value))
            ThrowHelper.RowValue(_column, _row.Position,
                $"side-input slot {slot} is {value.ToString(CultureInfo.InvariantCulture)}; the side input needs finite numbers");
    }
}
