using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

public static partial class Gemm
{
    /// <summary>
    /// <c>C = op(A) * op(B) + bias</c>, the bias row added to every row of C: bit-identical to copying the bias into
    /// every row of C and multiplying with beta 1, but each task copies the bias into its own block of C just before it
    /// adds the product there, so the copy runs on every thread and the block is still in cache when it is read.
    /// Arguments as in <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// with alpha 1; <paramref name="bias"/> holds at least n values.
    /// </summary>
    internal static unsafe void MultiplyAddRowBias(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        ThrowHelper.ThrowIfTooShort(bias.Length, n, nameof(bias));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++) bias[..n].CopyTo(c.Slice(i * ldc, n));
            return;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pbias = bias)
        fixed (float* pc = c)
        {
            JobPool<GemmJob>.Rent().Run(GemmMicroKernels.Best, ComputeSettings.MaxThreads, transposeA, transposeB, m, n, k, 1f, pa, lda, pb, ldb, null, 1f, pc, ldc, pbias);
        }
    }
}
