using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// General matrix multiply on row-major float32 matrices: <c>C = alpha * op(A) * op(B) + beta * C</c>,
/// where op(A) is m x k and op(B) is k x n. With <c>transposeA</c>, A is stored k x m (leading dimension
/// <c>lda</c> &gt;= m), otherwise m x k (<c>lda</c> &gt;= k); likewise B. C is m x n with <c>ldc</c> &gt;= n.
/// When <c>beta</c> is 0, C is overwritten and its previous contents (even NaN) are ignored, as in BLAS.
/// </summary>
public static partial class Gemm
{
    /// <summary>Computes <c>C = alpha * op(A) * op(B) + beta * C</c> with the fastest kernel for this CPU.</summary>
    /// <param name="transposeA">Whether A is stored transposed (k x m).</param>
    /// <param name="transposeB">Whether B is stored transposed (n x k).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major.</param>
    /// <param name="lda">Distance between rows of A as stored.</param>
    /// <param name="b">B, row-major.</param>
    /// <param name="ldb">Distance between rows of B as stored.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites.</param>
    /// <param name="c">C, row-major, m x n.</param>
    /// <param name="ldc">Distance between rows of C.</param>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        MultiplyFast(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Checks sizes and leading dimensions, naming the argument that is wrong.</summary>
    internal static void Validate(
        bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ThrowHelper.ThrowIfNegative(m, nameof(m));
        ThrowHelper.ThrowIfNegative(n, nameof(n));
        ThrowHelper.ThrowIfNegative(k, nameof(k));
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        if (lda < Math.Max(1, aCols)) ThrowHelper.OutOfRange(nameof(lda), lda, $"it must be at least {Math.Max(1, aCols)}");
        if (ldb < Math.Max(1, bCols)) ThrowHelper.OutOfRange(nameof(ldb), ldb, $"it must be at least {Math.Max(1, bCols)}");
        if (ldc < Math.Max(1, n)) ThrowHelper.OutOfRange(nameof(ldc), ldc, $"it must be at least {Math.Max(1, n)}");
        if (m == 0 || n == 0) return;
        if (k > 0)
        {
            ThrowHelper.ThrowIfTooShort(aLength, (long)(aRows - 1) * lda + aCols, "a");
            ThrowHelper.ThrowIfTooShort(bLength, (long)(bRows - 1) * ldb + bCols, "b");
        }
        ThrowHelper.ThrowIfTooShort(cLength, (long)(m - 1) * ldc + n, "c");
    }
}
