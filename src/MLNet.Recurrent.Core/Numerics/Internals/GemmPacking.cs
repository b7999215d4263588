namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded panel layout the micro-kernels read:
/// A as consecutive <c>kc x MR</c> panels (one MR-column per k), B as consecutive <c>kc x NR</c> panels.
/// Padding rows and columns are zeros, so edge tiles compute garbage-free values that are then dropped.
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
        for (int ir = 0; ir < mc; ir += mr, dst += kc * mr)
        {
            int rows = Math.Min(mr, mc - ir);
            if (transpose)
            {
                // A is stored k x m: each k gives `rows` contiguous values.
                float* src = a + p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    float* d = dst + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0;
                }
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

    /// <summary>Packs k [p0, p0 + kc) by columns [j0, j0 + nc) of op(B) into NR-column panels at <paramref name="dst"/>.</summary>
    internal static void PackB(bool transpose, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += kc * nr)
        {
            int cols = Math.Min(nr, nc - jr);
            if (transpose)
            {
                // B is stored n x k: column j of op(B) is a contiguous row of B.
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
                if (cols == nr)
                {
                    for (int p = 0; p < kc; p++, src += ldb) Buffer.MemoryCopy(src, dst + p * nr, nr * sizeof(float), nr * sizeof(float));
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
}
