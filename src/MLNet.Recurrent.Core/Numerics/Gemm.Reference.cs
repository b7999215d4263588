namespace MLNet.Recurrent.Core.Numerics;

public static partial class Gemm
{
    /// <summary>
    /// The plain-loop GEMM that the fast kernel is tested against. Sums in double so that it is the more
    /// accurate of the two.
    /// </summary>
    public static class Reference
    {
        /// <summary>Computes <c>C = alpha * op(A) * op(B) + beta * C</c> with three plain loops.</summary>
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
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                        float bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                        sum += (double)aip * bpj;
                    }
                    ref float cij = ref c[i * ldc + j];
                    cij = beta == 0 ? (float)(alpha * sum) : (float)(alpha * sum + (double)beta * cij);
                }
            }
        }
    }
}
