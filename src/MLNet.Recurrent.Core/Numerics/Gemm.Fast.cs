namespace MLNet.Recurrent.Core.Numerics;

public static partial class Gemm
{
    // Placeholder dispatch until the blocked SIMD kernel lands: same contract, plain loops.
    private static void MultiplyFast(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) =>
        Reference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
