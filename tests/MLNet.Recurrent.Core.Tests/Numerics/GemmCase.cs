using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>
/// One GEMM problem with seeded operands. Padding beyond each row (when a leading dimension exceeds the
/// minimum) is NaN in A and B, so reading it would poison C, and a sentinel in C, so writing it is seen.
/// </summary>
internal sealed class GemmCase
{
    public const float CPadding = -12345f;

    public GemmCase(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta, int seed, int extraLd = 0, bool nanC = false)
    {
        (TransposeA, TransposeB, M, N, K, Alpha, Beta) = (transposeA, transposeB, m, n, k, alpha, beta);
        var rng = new Random(seed);
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Lda = Math.Max(1, aCols) + extraLd;
        Ldb = Math.Max(1, bCols) + extraLd;
        Ldc = Math.Max(1, n) + extraLd;
        A = Matrix(aRows, aCols, Lda, float.NaN, rng);
        B = Matrix(bRows, bCols, Ldb, float.NaN, rng);
        C0 = Matrix(m, n, Ldc, CPadding, rng);
        if (nanC)
        {
            for (int i = 0; i < m; i++) C0.AsSpan(i * Ldc, n).Fill(float.NaN);
        }
    }

    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C0 { get; }

    public float[] RunReference()
    {
        var c = (float[])C0.Clone();
        Gemm.Reference.Multiply(TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>C by the exact chain every blocked kernel promises (see <see cref="Chain"/>).</summary>
    public float[] RunChain()
    {
        var c = (float[])C0.Clone();
        Chain(TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>
    /// <c>C = alpha * op(A) * op(B) + beta * C</c> by the exact chain every blocked kernel promises, one element at a
    /// time: per k block (<see cref="GemmPacking.KcFor"/>) fused multiply-adds in k order from zero, then
    /// <c>alpha * x</c>, then <c>fma(c, beta, .)</c> with beta 1 after the first block (beta 0: C not read). A blocked
    /// result must equal it bit for bit.
    /// </summary>
    public static void Chain(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        int kcNominal = GemmPacking.KcFor(k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = i * ldc + j;
                if (k == 0 || alpha == 0)
                {
                    c[at] = beta == 0 ? 0 : beta * c[at];
                    continue;
                }
                for (int p0 = 0; p0 < k; p0 += kcNominal)
                {
                    float x = 0;
                    for (int p = p0; p < Math.Min(k, p0 + kcNominal); p++)
                    {
                        float aip = transposeA ? a[p * lda + i] : a[i * lda + p], bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                        x = GemmMicroKernels.MulAdd(aip, bpj, x);
                    }
                    float blockBeta = p0 == 0 ? beta : 1f, scaled = alpha * x;
                    c[at] = blockBeta != 0 ? GemmMicroKernels.MulAdd(c[at], blockBeta, scaled) : scaled;
                }
            }
        }
    }

    public float[] Run(GemmKernel kernel, int threads)
    {
        var c = (float[])C0.Clone();
        Gemm.Validate(TransposeA, TransposeB, M, N, K, A.Length, Lda, B.Length, Ldb, c.Length, Ldc);
        Gemm.MultiplyCore(kernel, threads, TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, null, Beta, c, Ldc);
        return c;
    }

    public float[] RunPacked(GemmKernel kernel, int threads)
    {
        var c = (float[])C0.Clone();
        var packed = Gemm.Pack(kernel, TransposeB, K, N, B, Ldb);
        Gemm.Multiply(threads, TransposeA, M, Alpha, A, Lda, packed, Beta, c, Ldc);
        return c;
    }

    /// <summary>
    /// The largest error of <paramref name="actual"/> in units of the float32 bound, so a result passes when
    /// it is at most 1. The bound for one element is <c>(k + 4) * 2^-24 * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)</c>:
    /// the worst case of a k-term float32 (fused) multiply-add chain plus the alpha and beta roundings
    /// (Higham, gamma_n). Padding must be untouched. Returns +inf on NaN or a touched pad.
    /// </summary>
    public double WorstErrorInBounds(float[] actual, float[] expected)
    {
        double worst = 0;
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc && i * Ldc + j < actual.Length; j++)
            {
                int at = i * Ldc + j;
                if (j >= N)
                {
                    if (BitConverter.SingleToInt32Bits(actual[at]) != BitConverter.SingleToInt32Bits(C0[at])) return double.PositiveInfinity;
                    continue;
                }
                double magnitude = 0;
                for (int p = 0; p < K; p++) magnitude += Math.Abs((double)ElementA(i, p) * ElementB(p, j));
                magnitude = Math.Abs(Alpha) * magnitude + (Beta == 0 ? 0 : Math.Abs((double)Beta * C0[at]));
                double bound = (K + 4) * Math.Pow(2, -24) * magnitude + float.Epsilon;
                double error = Math.Abs((double)actual[at] - expected[at]);
                if (double.IsNaN(error)) return double.PositiveInfinity;
                worst = Math.Max(worst, error / bound);
            }
        }
        return worst;
    }

    public override string ToString() =>
        $"tA={TransposeA} tB={TransposeB} m={M} n={N} k={K} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    private float ElementA(int i, int p) => TransposeA ? A[p * Lda + i] : A[i * Lda + p];

    private float ElementB(int p, int j) => TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];

    private static float[] Matrix(int rows, int cols, int ld, float padding, Random rng)
    {
        var x = new float[Math.Max(0, (rows - 1) * ld + (rows > 0 ? ld : 0))];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < ld; c++) x[r * ld + c] = c < cols ? (float)(rng.NextDouble() * 2 - 1) : padding;
        }
        return x;
    }
}
