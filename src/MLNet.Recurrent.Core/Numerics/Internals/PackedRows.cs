namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// All rows of a short op(A) packed once over the whole k range, for the tasks of one parallel product to share: each
/// k block's row panels one after another (block p0 starts at <c>p0 * RowsPadded</c>, the layout
/// <see cref="GemmPacking.PackA"/> writes). The buffer lives on the pinned object heap and only grows, so a steady
/// state allocates nothing.
/// </summary>
internal sealed unsafe class PackedRows
{
    private float[]? _buffer;
    private int _offset, _rowsPadded;
    private float* _start;

    /// <summary>Packs rows [0, <paramref name="m"/>) of op(A) over k [0, <paramref name="k"/>) in k blocks of <see cref="GemmPacking.KcFor"/>.</summary>
    public void Pack(bool transpose, float* a, nint lda, int m, int k, int mr)
    {
        _rowsPadded = (m + mr - 1) / mr * mr;
        int length = _rowsPadded * k, kcNominal = GemmPacking.KcFor(k);
        if (_buffer is null || _buffer.Length - _offset < length)
            _buffer = GemmBuffers.AllocateAligned(Math.Max(length, 2 * (_buffer?.Length ?? 0)), out _offset);
        fixed (float* buffer = _buffer)
        {
            // Pinned, so the address stays valid after the fixed block.
            _start = buffer + _offset;
        }
        for (int p0 = 0; p0 < k; p0 += kcNominal)
            GemmPacking.PackA(transpose, a, lda, 0, m, p0, Math.Min(kcNominal, k - p0), mr, _start + (nint)p0 * _rowsPadded);
    }

    /// <summary>The packed panels of rows from <paramref name="row"/> (a multiple of MR) in the k block starting at <paramref name="p0"/>, <paramref name="kc"/> deep.</summary>
    public float* Panels(int p0, int row, int kc) => _start + (nint)p0 * _rowsPadded + (nint)row * kc;
}
