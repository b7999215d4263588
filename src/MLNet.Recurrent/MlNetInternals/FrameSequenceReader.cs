using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Reads a float vector column as a sequence of T frames of D features, row by row: the current row's
/// values row-major <c>[T, D]</c>, densified, without allocating once its buffer has grown to the longest row.
/// One reader per cursor.
/// </summary>
internal sealed class FrameSequenceReader
{
    private readonly DataViewRow _row;
    private readonly string _columnName;
    private readonly ValueGetter<VBuffer<float>> _getter;
    private VBuffer<float> _buffer;
    private float[] _dense = [];

    /// <summary>Creates a reader of <paramref name="column"/> on <paramref name="row"/> (a cursor).</summary>
    /// <param name="row">The cursor; the column must be active on it.</param>
    /// <param name="column">A vector of <see cref="float"/>.</param>
    /// <param name="frameSize">D, features per frame (positive).</param>
    public FrameSequenceReader(DataViewRow row, DataViewSchema.Column column, int frameSize)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (frameSize <= 0) ThrowHelper.OutOfRange(nameof(frameSize), frameSize, "it must be positive");
        _row = row;
        _columnName = column.Name;
        FrameSize = frameSize;
        _getter = row.GetGetter<VBuffer<float>>(column);
    }

    /// <summary>D, features per frame.</summary>
    public int FrameSize { get; }

    /// <summary>
    /// D as declared by the column type: a vector with dimensions <c>[0, D]</c> or <c>[T, D]</c>
    /// (<c>new VectorDataViewType(NumberDataViewType.Single, 0, D)</c>); 0 when the type declares none.
    /// </summary>
    public static int FrameSizeOf(DataViewType type) =>
        type is VectorDataViewType { Dimensions.Length: 2 } v && v.Dimensions[1] > 0 ? v.Dimensions[1] : 0;

    /// <summary>Reads the current row.</summary>
    /// <param name="frameCount">T, frames in this row (may be 0).</param>
    /// <returns>Row-major <c>[T, D]</c>, valid until the next call.</returns>
    public ReadOnlySpan<float> Read(out int frameCount)
    {
        _getter(ref _buffer);
        int length = _buffer.Length;
        if (length % FrameSize != 0)
            ThrowHelper.RowValue(_columnName, _row.Position, $"it holds {length} values, which is not a whole number of frames of {FrameSize} features");
        frameCount = length / FrameSize;
        SequenceInput.CheckSteps(_columnName, _row.Position, frameCount, "frames");
        if (_buffer.IsDense) return _buffer.GetValues();
        if (_dense.Length < length) _dense = new float[Math.Max(length, 2 * _dense.Length)];
        Span<float> dense = _dense.AsSpan(0, length);
        _buffer.CopyTo(dense);
        return dense;
    }
}
