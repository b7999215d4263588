using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// The double-precision micro-kernel of <see cref="RidgeAccumulator"/>: a 4 x 8 tile of <c>A^T B</c> over a block
/// of rows, where A and B are panels of <see cref="PanelWidth"/> columns stored row after row (<c>[rows][8]</c>, so one
/// row of a panel is 64 contiguous bytes). Eight Vector256&lt;double&gt; accumulators, per row two loads of B and four
/// broadcasts of A, fused multiply-adds where the CPU has them.
/// </summary>
/// <remarks>
/// Each output element is the sum over the rows in order, from zero, then added to C once: the same arithmetic
/// whichever thread runs the tile. Double throughout: the normal equations of a reservoir are ill-conditioned (a
/// ridge of 1e-5 against sums of 10^5 rows), and float32 block sums would put errors of about 1e-3 into G.
/// </remarks>
internal static class GramKernel
{
    /// <summary>Columns per panel.</summary>
    public const int PanelWidth = 8;

    /// <summary>
    /// <c>C[r, c] += sum_t A[t, offset + r] * B[t, c]</c> for r &lt; 4, c &lt; 8, t &lt; rows.
    /// </summary>
    /// <param name="a">A panel, <c>[rows][8]</c> (at least).</param>
    /// <param name="offset">0 or 4: which half of A's panel gives the tile's 4 rows.</param>
    /// <param name="b">B panel, <c>[rows][8]</c> (at least).</param>
    /// <param name="rows">Rows of the block to sum over.</param>
    /// <param name="c">The tile's first element; rows <paramref name="ldc"/> apart.</param>
    /// <param name="ldc">The row stride of C.</param>
    [SkipLocalsInit]
    public static void MultiplyAdd4x8(ReadOnlySpan<double> a, int offset, ReadOnlySpan<double> b, int rows, Span<double> c, int ldc)
    {
        if (a.Length < rows * PanelWidth || b.Length < rows * PanelWidth || c.Length < 3 * ldc + PanelWidth)
            throw new ArgumentException("A panel or the tile is too short for the block.");
        ref double pa = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), offset);
        ref double pb = ref MemoryMarshal.GetReference(b);
        if (!Vector256.IsHardwareAccelerated)
        {
            Scalar(a[offset..], b, rows, c, ldc);
            return;
        }
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int t = 0; t < rows; t++)
        {
            int i = t * PanelWidth;
            Vector256<double> b0 = Vector256.LoadUnsafe(ref pb, (nuint)i);
            Vector256<double> b1 = Vector256.LoadUnsafe(ref pb, (nuint)(i + 4));
            Vector256<double> a0 = Vector256.Create(Unsafe.Add(ref pa, i));
            c00 = MultiplyAdd(a0, b0, c00);
            c01 = MultiplyAdd(a0, b1, c01);
            Vector256<double> a1 = Vector256.Create(Unsafe.Add(ref pa, i + 1));
            c10 = MultiplyAdd(a1, b0, c10);
            c11 = MultiplyAdd(a1, b1, c11);
            Vector256<double> a2 = Vector256.Create(Unsafe.Add(ref pa, i + 2));
            c20 = MultiplyAdd(a2, b0, c20);
            c21 = MultiplyAdd(a2, b1, c21);
            Vector256<double> a3 = Vector256.Create(Unsafe.Add(ref pa, i + 3));
            c30 = MultiplyAdd(a3, b0, c30);
            c31 = MultiplyAdd(a3, b1, c31);
        }
        AddRow(c, 0, c00, c01);
        AddRow(c, ldc, c10, c11);
        AddRow(c, 2 * ldc, c20, c21);
        AddRow(c, 3 * ldc, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : c + a * b;

    private static void AddRow(Span<double> c, int start, Vector256<double> lo, Vector256<double> hi)
    {
        Span<double> row = c.Slice(start, PanelWidth);
        (Vector256.Create<double>(row) + lo).CopyTo(row);
        (Vector256.Create<double>(row[4..]) + hi).CopyTo(row[4..]);
    }

    /// <summary>The same sums without vectors (and without fused multiply-adds).</summary>
    private static void Scalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int rows, Span<double> c, int ldc)
    {
        Span<double> sums = stackalloc double[4 * PanelWidth];
        sums.Clear();
        for (int t = 0; t < rows; t++)
            for (int r = 0; r < 4; r++)
            {
                double av = a[t * PanelWidth + r];
                for (int j = 0; j < PanelWidth; j++) sums[r * PanelWidth + j] += av * b[t * PanelWidth + j];
            }
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < PanelWidth; j++) c[r * ldc + j] += sums[r * PanelWidth + j];
    }
}
