using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded panel layout the micro-kernels read:
/// A as consecutive <c>kc x MR</c> panels (one MR-column per k), B as consecutive <c>kc x NR</c> panels.
/// Padding rows and columns are zeros, so edge tiles compute garbage-free values that are then dropped (the edge-row
/// kernels read only the live rows of an A panel, at the same stride of MR).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>The k blocking: a function of k alone, so every thread count, kernel and packed form agrees.</summary>
    internal const int MaxKc = 256;

    /// <summary>Rows of op(A) packed at a time (a multiple of every kernel's MR: 4 and 6).</summary>
    internal const int Mc = 144;

    /// <summary>Most columns of op(B) one task covers (a multiple of every kernel's NR).</summary>
    internal const int Nc = 1024;

    /// <summary>The nominal k block for <paramref name="k"/>: blocks of at most <see cref="MaxKc"/>, balanced.</summary>
    internal static int KcFor(int k)
    {
        if (k <= MaxKc) return Math.Max(k, 1);
        int blocks = (k + MaxKc - 1) / MaxKc;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Packs rows [i0, i0 + mc) by k [p0, p0 + kc) of op(A) into MR-row panels at <paramref name="dst"/>.</summary>
    internal static void PackA(bool transpose, float* a, nint lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        if (transpose)
        {
            PackTransposedA(a + p0 * lda + i0, lda, mc, kc, mr, dst);
            return;
        }
        for (int ir = 0; ir < mc; ir += mr, dst += kc * mr)
        {
            int rows = Math.Min(mr, mc - ir);
            if (Avx.IsSupported && rows == 6 && mr == 6)
            {
                PackRowsAvx(a + (i0 + ir) * lda + p0, lda, kc, dst);
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (i0 + ir + r) * lda + p0;
                    float* d = dst + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++) dst[p * mr + r] = 0;
                }
            }
        }
    }

    /// <summary>
    /// The panels of A stored k x m (<paramref name="src"/> at row p0, column i0): each k's <paramref name="mc"/> values
    /// are contiguous, so they are read once, k by k, and dealt out to the panels (a panel at a time, each k read
    /// 24 bytes from a different cache line, most of whose bytes were gone by the time the next panel wanted them).
    /// </summary>
    private static void PackTransposedA(float* src, nint lda, int mc, int kc, int mr, float* dst)
    {
        int fullPanels = mr == 6 ? mc / 6 : 0, tail = mc - fullPanels * mr;
        nint panelSize = (nint)kc * mr;
        for (int p = 0; p < kc; p++, src += lda)
        {
            float* s = src, d = dst + p * mr;
            for (int q = 0; q < fullPanels; q++, s += 6, d += panelSize)
            {
                // Four and two values as two moves instead of six scalar copies.
                Vector128.Store(Vector128.Load(s), d);
                *(long*)(d + 4) = *(long*)(s + 4);
            }
            for (int ir = 0; ir < tail; ir += mr, s += mr, d += panelSize)
            {
                int rows = Math.Min(mr, tail - ir), r = 0;
                for (; r < rows; r++) d[r] = s[r];
                for (; r < mr; r++) d[r] = 0;
            }
        }
    }

    /// <summary>Packs k [p0, p0 + kc) by columns [j0, j0 + nc) of op(B) into NR-column panels at <paramref name="dst"/>.</summary>
    internal static void PackB(bool transpose, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += kc * nr)
        {
            int cols = Math.Min(nr, nc - jr);
            if (transpose)
            {
                // B is stored n x k: column j of op(B) is a contiguous row of B.
                if (Avx.IsSupported && cols == nr && nr % 8 == 0)
                {
                    PackTransposedPanelAvx(b + (j0 + jr) * ldb + p0, ldb, kc, nr, dst);
                    continue;
                }
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = 0;
                }
            }
            else
            {
                float* src = b + p0 * ldb + j0 + jr;
                if (cols == nr && nr % 8 == 0 && Vector256.IsHardwareAccelerated)
                {
                    // A panel row is two or four 32-byte moves; a copy call per row cost more than the copy.
                    for (int p = 0; p < kc; p++, src += ldb)
                    {
                        float* d = dst + p * nr;
                        for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256.Load(src + j), d + j);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                    {
                        float* d = dst + p * nr;
                        int j = 0;
                        for (; j < cols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One full six-row panel of a row-major A: <c>dst[p * 6 + r] = src[r * lda + p]</c>, eight k at a time as an 8 x 8
    /// register transpose of the six rows (two rows of zeros), each k's six values then stored as four and two (a
    /// strided scalar copy before).
    /// </summary>
    private static void PackRowsAvx(float* src, nint lda, int kc, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* s = src + p;
            var r0 = Avx.LoadVector256(s);
            var r1 = Avx.LoadVector256(s + lda);
            var r2 = Avx.LoadVector256(s + 2 * lda);
            var r3 = Avx.LoadVector256(s + 3 * lda);
            var r4 = Avx.LoadVector256(s + 4 * lda);
            var r5 = Avx.LoadVector256(s + 5 * lda);
            Vector256<float> r6 = default, r7 = default;
            Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            // r_j is now k = p + j: its six rows, then two zeros.
            float* d = dst + p * 6;
            StoreSix(d, r0);
            StoreSix(d + 6, r1);
            StoreSix(d + 12, r2);
            StoreSix(d + 18, r3);
            StoreSix(d + 24, r4);
            StoreSix(d + 30, r5);
            StoreSix(d + 36, r6);
            StoreSix(d + 42, r7);
        }
        for (; p < kc; p++)
        {
            for (int r = 0; r < 6; r++) dst[p * 6 + r] = src[r * lda + p];
        }
    }

    /// <summary>The first six lanes of <paramref name="x"/>, as four and two.</summary>
    private static void StoreSix(float* d, Vector256<float> x)
    {
        Vector128.Store(x.GetLower(), d);
        Sse2.StoreLow((double*)(d + 4), x.GetUpper().AsDouble());
    }

    /// <summary>
    /// One full panel of a transposed B: <c>dst[p * nr + j] = src[j * ldb + p]</c>, as 8 x 8 register
    /// transposes (the scalar gather costs several times the whole per-step product at recurrent sizes).
    /// </summary>
    private static void PackTransposedPanelAvx(float* src, nint ldb, int kc, int nr, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            for (int g = 0; g < nr; g += 8)
            {
                float* s = src + g * ldb + p;
                var r0 = Avx.LoadVector256(s);
                var r1 = Avx.LoadVector256(s + ldb);
                var r2 = Avx.LoadVector256(s + 2 * ldb);
                var r3 = Avx.LoadVector256(s + 3 * ldb);
                var r4 = Avx.LoadVector256(s + 4 * ldb);
                var r5 = Avx.LoadVector256(s + 5 * ldb);
                var r6 = Avx.LoadVector256(s + 6 * ldb);
                var r7 = Avx.LoadVector256(s + 7 * ldb);
                Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                float* d = dst + p * nr + g;
                Avx.Store(d, r0);
                Avx.Store(d + nr, r1);
                Avx.Store(d + 2 * nr, r2);
                Avx.Store(d + 3 * nr, r3);
                Avx.Store(d + 4 * nr, r4);
                Avx.Store(d + 5 * nr, r5);
                Avx.Store(d + 6 * nr, r6);
                Avx.Store(d + 7 * nr, r7);
            }
        }
        for (; p < kc; p++)
        {
            for (int j = 0; j < nr; j++) dst[p * nr + j] = src[j * ldb + p];
        }
    }

    /// <summary>Transposes the 8 x 8 block held in eight rows: afterwards <c>r_j[i]</c> is what <c>r_i[j]</c> was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
