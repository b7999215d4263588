using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

public static partial class Gemm
{
    // The blocked kernel (GotoBLAS/BLIS layout): op(B) is packed kc x NR panel by panel, op(A) MR x kc, and a
    // register-blocked micro-kernel sweeps the packed blocks. k is blocked by a function of k alone and is never
    // split across threads, so the kernel choice and thread count leave every bit of C unchanged.
    private static void MultiplyFast(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        MultiplyCore(GemmMicroKernels.Best, ComputeSettings.MaxThreads, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, null, beta, c, ldc);

    /// <summary>
    /// <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// with an explicit kernel and thread limit, for tests and benchmarks. Arguments must already be validated.
    /// </summary>
    internal static unsafe void MultiplyCore(
        GemmKernel kernel, int threads, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, PackedMatrix? packed,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                Scale(m, n, beta, pc, ldc);
                return;
            }
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pp = packed is null ? default : packed.Data)
            {
                float* panels = packed is null ? null : pp + packed.Offset;
                JobPool<GemmJob>.Rent().Run(kernel, threads, transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, panels, beta, pc, ldc);
            }
        }
    }

    /// <summary><c>C = beta * C</c>; with beta == 0, C is cleared without being read.</summary>
    private static unsafe void Scale(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
