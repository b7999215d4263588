using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// A square matrix for the reservoir's <c>y = W x</c>, most of W being zero, stored as sliced ELLPACK with slices of
/// <see cref="SliceRows"/> rows: within a slice the rows' nonzeros are interleaved (entry j of each of the 8 rows side
/// by side) and the shorter rows padded with zeros, so 8 rows advance together in vector lanes (x is read with
/// scalar loads into two vectors: on the AMD EPYC this was measured on, 40% faster than AVX2 gathers). Rows are put into slices longest first (SELL-C-sigma), so rows of a slice have about the same length
/// and the padding stays small. Each row's sum still runs over its own nonzeros in column order, one multiply and one add at a time, so
/// every lane gives the same bits as the plain CSR loop (<see cref="MultiplyAddReference"/>), with or without AVX2.
/// </summary>
/// <remarks>
/// Values are kept as float32 (the reservoir's weights are float32 numbers used in double arithmetic, so widening
/// loses nothing) and columns as uint16 (a dense [N, N] copy of W exists, so N is below 46,341): 6 bytes streamed per
/// entry. For 1,000 units at connectivity 0.1 one product is about 100k multiply-adds over 0.6 MB; a matrix may keep
/// only a range of W's rows (one thread's part of a step split over threads).
/// </remarks>
internal sealed class SparseMatrix
{
    /// <summary>Rows per slice: two Vector256&lt;double&gt; of lanes.</summary>
    public const int SliceRows = 8;

    private readonly int[] _sliceStarts;  // [slices + 1], in entries (multiples of SliceRows)
    private readonly int[] _rowOf;        // [slices * SliceRows]: the matrix row in each slice lane, -1 past the last
    private readonly ushort[] _columns;   // [entries]: slice s, position j, lane r at _sliceStarts[s] + j * 8 + r
    private readonly float[] _values;     // [entries], 0 in the padding (column 0)
    private readonly int[] _rowStarts;    // CSR, for the reference product
    private readonly int[] _csrColumns;
    private readonly float[] _csrValues;

    /// <summary>Keeps the nonzeros of a dense row-major <c>[n, n]</c> matrix, each rounded to float32.</summary>
    public SparseMatrix(ReadOnlySpan<double> dense, int n)
    {
        CheckShape(dense.Length, n, 0, n);
        var rowStarts = new int[n + 1];
        for (int i = 0, nonzeros = 0; i < n; i++)
        {
            foreach (double v in dense.Slice(i * n, n)) if ((float)v != 0) nonzeros++;
            rowStarts[i + 1] = nonzeros;
        }
        var columns = new int[rowStarts[n]];
        var values = new float[rowStarts[n]];
        for (int i = 0, k = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                float v = (float)dense[i * n + j];
                if (v == 0) continue;
                columns[k] = j;
                values[k++] = v;
            }
        (Size, RowStart, RowEnd, _rowStarts, _csrColumns, _csrValues) = (n, 0, n, rowStarts, columns, values);
        (_sliceStarts, _rowOf, _columns, _values) = Slice(0, n, rowStarts, columns, values);
        NonZeros = values.Length;
    }

    /// <summary>
    /// Keeps the nonzeros of rows <paramref name="rowStart"/> to <paramref name="rowEnd"/> - 1 of a dense row-major
    /// <c>[n, n]</c> float32 matrix: the part of W one thread multiplies (the other rows of y are left alone).
    /// </summary>
    public SparseMatrix(ReadOnlySpan<float> dense, int n, int rowStart, int rowEnd)
    {
        CheckShape(dense.Length, n, rowStart, rowEnd);
        int rows = rowEnd - rowStart;
        var rowStarts = new int[rows + 1];
        for (int i = 0, nonzeros = 0; i < rows; i++)
        {
            foreach (float v in dense.Slice((rowStart + i) * n, n)) if (v != 0) nonzeros++;
            rowStarts[i + 1] = nonzeros;
        }
        var columns = new int[rowStarts[rows]];
        var values = new float[rowStarts[rows]];
        for (int i = 0, k = 0; i < rows; i++)
            for (int j = 0; j < n; j++)
            {
                float v = dense[(rowStart + i) * n + j];
                if (v == 0) continue;
                columns[k] = j;
                values[k++] = v;
            }
        (Size, RowStart, RowEnd, _rowStarts, _csrColumns, _csrValues) = (n, rowStart, rowEnd, rowStarts, columns, values);
        (_sliceStarts, _rowOf, _columns, _values) = Slice(rowStart, rowEnd, rowStarts, columns, values);
        NonZeros = values.Length;
    }

    private static void CheckShape(int length, int n, int rowStart, int rowEnd)
    {
        if (n > ushort.MaxValue + 1) throw new ArgumentOutOfRangeException(nameof(n), n, "The sliced layout indexes columns with 16 bits.");
        if (length < (long)n * n) throw new ArgumentException($"The dense matrix has {length} values; {n} x {n} are needed.");
        if (rowStart < 0 || rowEnd < rowStart || rowEnd > n) throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows {rowStart} to {rowEnd} are not within 0 to {n}.");
    }

    /// <summary>The sliced layout of CSR rows (local row i is matrix row rowStart + i).</summary>
    private static (int[] SliceStarts, int[] RowOf, ushort[] Columns, float[] Values) Slice(int rowStart, int rowEnd,
        int[] rowStarts, int[] csrColumns, float[] csrValues)
    {
        int rows = rowEnd - rowStart;
        int slices = (rows + SliceRows - 1) / SliceRows;
        int RowLength(int row) => rowStarts[row + 1] - rowStarts[row];
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        // Longest rows first, ties by row index: the same layout on every run.
        Array.Sort(order, (i, j) => RowLength(j) != RowLength(i) ? RowLength(j) - RowLength(i) : i - j);
        var sliceStarts = new int[slices + 1];
        for (int s = 0; s < slices; s++)
            sliceStarts[s + 1] = sliceStarts[s] + RowLength(order[s * SliceRows]) * SliceRows;
        var columns = new ushort[sliceStarts[slices]];
        var values = new float[sliceStarts[slices]];
        var rowOf = new int[slices * SliceRows];
        rowOf.AsSpan().Fill(-1);
        for (int s = 0; s < slices; s++)
            for (int r = 0; r < SliceRows && s * SliceRows + r < rows; r++)
            {
                int i = order[s * SliceRows + r];
                rowOf[s * SliceRows + r] = rowStart + i;
                for (int k = rowStarts[i], j = 0; k < rowStarts[i + 1]; k++, j++)
                {
                    columns[sliceStarts[s] + j * SliceRows + r] = (ushort)csrColumns[k];
                    values[sliceStarts[s] + j * SliceRows + r] = csrValues[k];
                }
            }
        return (sliceStarts, rowOf, columns, values);
    }


    /// <summary>n: the columns (and the length of x and y).</summary>
    public int Size { get; }

    /// <summary>The first row of W kept.</summary>
    public int RowStart { get; }

    /// <summary>One past the last row of W kept.</summary>
    public int RowEnd { get; }

    /// <summary>The number of nonzero entries.</summary>
    public int NonZeros { get; }

    /// <summary>Stored entries including the slices' zero padding.</summary>
    public int StoredEntries => _values.Length;

    /// <summary>y[i] += sum_j W[i, j] x[j] for the rows kept, each row summed in column order from zero.</summary>
    /// <param name="x">Length n, finite.</param>
    /// <param name="y">Length n; added to.</param>
    [SkipLocalsInit]
    public unsafe void MultiplyAdd(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = Size;
        if (x.Length < n || y.Length < n) throw new ArgumentException("x and y must have the matrix's size.");
        int slices = _sliceStarts.Length - 1;
        Span<double> sums = stackalloc double[SliceRows];
        fixed (double* px = x)
        fixed (ushort* pc = _columns)
        fixed (float* pv = _values)
        {
            for (int s = 0; s < slices; s++)
            {
                int start = _sliceStarts[s], end = _sliceStarts[s + 1];
                if (Avx.IsSupported)
                {
                    Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
                    for (int e = start; e < end; e += SliceRows)
                    {
                        ulong c0 = *(ulong*)(pc + e), c1 = *(ulong*)(pc + e + 4);
                        Vector256<float> values = Avx.LoadVector256(pv + e);
                        Vector256<double> xLo = Vector256.Create(px[(ushort)c0], px[(ushort)(c0 >> 16)], px[(ushort)(c0 >> 32)], px[c0 >> 48]);
                        Vector256<double> xHi = Vector256.Create(px[(ushort)c1], px[(ushort)(c1 >> 16)], px[(ushort)(c1 >> 32)], px[c1 >> 48]);
                        // Multiply then add, never fused: the bits of the scalar loop.
                        lo = Avx.Add(lo, Avx.Multiply(Avx.ConvertToVector256Double(values.GetLower()), xLo));
                        hi = Avx.Add(hi, Avx.Multiply(Avx.ConvertToVector256Double(values.GetUpper()), xHi));
                    }
                    lo.StoreUnsafe(ref MemoryMarshal.GetReference(sums));
                    hi.StoreUnsafe(ref MemoryMarshal.GetReference(sums), 4);
                }
                else
                {
                    sums.Clear();
                    for (int e = start; e < end; e += SliceRows)
                        for (int r = 0; r < SliceRows; r++) sums[r] += (double)pv[e + r] * px[pc[e + r]];
                }
                for (int r = 0; r < SliceRows; r++)
                {
                    int row = _rowOf[s * SliceRows + r];
                    if (row < 0) break;
                    y[row] += sums[r];
                }
            }
        }
    }

    /// <summary>y = W x (the rows kept; a whole matrix for the spectral radius).</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        y[RowStart..RowEnd].Clear();
        MultiplyAdd(x, y);
    }

    /// <summary>The plain CSR loop <see cref="MultiplyAdd"/> must match bit for bit (kept for tests).</summary>
    public void MultiplyAddReference(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < RowEnd - RowStart; i++)
        {
            double sum = 0;
            for (int k = _rowStarts[i]; k < _rowStarts[i + 1]; k++) sum += (double)_csrValues[k] * x[_csrColumns[k]];
            y[RowStart + i] += sum;
        }
    }
}
