using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Products of one or two rows by a pre-packed B (a recurrent step at batch 1, a generation step), read straight from
/// A: the blocked path would pack A and set up a job for them (its edge-row kernels, <see cref="GemmMacroKernel"/>,
/// serve the 1 to 5 rows under full 6-row panels of bigger products). Each element is the same chain as in
/// the micro-kernels — fused multiply-adds in k order from zero per k block, then <c>alpha * x</c>, then
/// <c>fma(c, beta, .)</c> (beta 1 after the first k block) — so results are bit-identical to the blocked path.
/// Runs on the calling thread: one row of B is read once, and the hand-off would cost more than it saves.
/// </summary>
internal static unsafe class GemmRowKernel
{
    /// <summary>Rows up to which the row kernel beats the blocked one.</summary>
    internal const int MaxRows = 2;

    /// <summary>Whether the row kernel runs here (256-bit vectors with fused multiply-add) for the panel layout of <paramref name="kernel"/> (panels a multiple of 8 wide).</summary>
    internal static bool Supports(GemmKernel kernel) =>
        Vector256.IsHardwareAccelerated && GemmMicroKernels.UseFma && GemmMicroKernels.Columns(kernel) % 8 == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        GemmMicroKernels.MulAdd(a, b, c);

    /// <summary><c>C = alpha * A * B + beta * C</c> for A not transposed, B packed (panels of <paramref name="nr"/>).</summary>
    [SkipLocalsInit]
    internal static void Run(int m, int n, int k, float alpha, float* a, nint lda, float* packed, int nr, float beta, float* c, nint ldc)
    {
        int kcNominal = GemmPacking.KcFor(k), padded = (n + nr - 1) / nr * nr;
        float* tail = stackalloc float[8];
        for (int i = 0; i < m; i++)
        {
            float* aRow = a + i * lda, cRow = c + i * ldc;
            for (int p0 = 0; p0 < k; p0 += kcNominal)
            {
                int kc = Math.Min(kcNominal, k - p0);
                float* block = packed + (nint)p0 * padded;
                float* x = aRow + p0;
                float blockBeta = p0 == 0 ? beta : 1f;
                int j = 0;
                // Twelve independent chains of eight columns keep both FMA pipes busy (a fused multiply-add takes
                // about four cycles and two can start per cycle); four chains, for what is left, would halve that.
                for (; j + 96 <= n; j += 96) Chains12(x, kc, block, j, nr, cRow + j, alpha, blockBeta);
                for (; j + 32 <= n; j += 32)
                {
                    float* b0 = Column(block, j, nr, kc), b1 = Column(block, j + 8, nr, kc);
                    float* b2 = Column(block, j + 16, nr, kc), b3 = Column(block, j + 24, nr, kc);
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (nint p = 0; p < kc; p++)
                    {
                        var xp = Vector256.Create(x[p]);
                        nint o = p * nr;
                        s0 = MulAdd(xp, Vector256.Load(b0 + o), s0);
                        s1 = MulAdd(xp, Vector256.Load(b1 + o), s1);
                        s2 = MulAdd(xp, Vector256.Load(b2 + o), s2);
                        s3 = MulAdd(xp, Vector256.Load(b3 + o), s3);
                    }
                    Store(cRow + j, s0, alpha, blockBeta);
                    Store(cRow + j + 8, s1, alpha, blockBeta);
                    Store(cRow + j + 16, s2, alpha, blockBeta);
                    Store(cRow + j + 24, s3, alpha, blockBeta);
                }
                for (; j < n; j += 8)
                {
                    // Panels are zero-padded to nr columns, so a chunk of eight is always readable.
                    float* b0 = Column(block, j, nr, kc);
                    Vector256<float> s0 = default;
                    for (nint p = 0; p < kc; p++) s0 = MulAdd(Vector256.Create(x[p]), Vector256.Load(b0 + p * nr), s0);
                    if (j + 8 <= n)
                    {
                        Store(cRow + j, s0, alpha, blockBeta);
                    }
                    else
                    {
                        s0.Store(tail);
                        for (int q = 0; j + q < n; q++) cRow[j + q] = GemmMicroKernels.StoreValue(tail[q], cRow + j, q, alpha, blockBeta);
                    }
                }
            }
        }
    }

    /// <summary>Columns [j, j + 96) of one row over one k block: twelve chains of eight, then the epilogue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chains12(float* x, int kc, float* block, int j, int nr, float* c, float alpha, float beta)
    {
        float* b0 = Column(block, j, nr, kc), b1 = Column(block, j + 8, nr, kc), b2 = Column(block, j + 16, nr, kc);
        float* b3 = Column(block, j + 24, nr, kc), b4 = Column(block, j + 32, nr, kc), b5 = Column(block, j + 40, nr, kc);
        float* b6 = Column(block, j + 48, nr, kc), b7 = Column(block, j + 56, nr, kc), b8 = Column(block, j + 64, nr, kc);
        float* b9 = Column(block, j + 72, nr, kc), b10 = Column(block, j + 80, nr, kc), b11 = Column(block, j + 88, nr, kc);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default;
        Vector256<float> s6 = default, s7 = default, s8 = default, s9 = default, s10 = default, s11 = default;
        for (nint p = 0; p < kc; p++)
        {
            var xp = Vector256.Create(x[p]);
            nint o = p * nr;
            s0 = MulAdd(xp, Vector256.Load(b0 + o), s0);
            s1 = MulAdd(xp, Vector256.Load(b1 + o), s1);
            s2 = MulAdd(xp, Vector256.Load(b2 + o), s2);
            s3 = MulAdd(xp, Vector256.Load(b3 + o), s3);
            s4 = MulAdd(xp, Vector256.Load(b4 + o), s4);
            s5 = MulAdd(xp, Vector256.Load(b5 + o), s5);
            s6 = MulAdd(xp, Vector256.Load(b6 + o), s6);
            s7 = MulAdd(xp, Vector256.Load(b7 + o), s7);
            s8 = MulAdd(xp, Vector256.Load(b8 + o), s8);
            s9 = MulAdd(xp, Vector256.Load(b9 + o), s9);
            s10 = MulAdd(xp, Vector256.Load(b10 + o), s10);
            s11 = MulAdd(xp, Vector256.Load(b11 + o), s11);
        }
        Store(c, s0, alpha, beta);
        Store(c + 8, s1, alpha, beta);
        Store(c + 16, s2, alpha, beta);
        Store(c + 24, s3, alpha, beta);
        Store(c + 32, s4, alpha, beta);
        Store(c + 40, s5, alpha, beta);
        Store(c + 48, s6, alpha, beta);
        Store(c + 56, s7, alpha, beta);
        Store(c + 64, s8, alpha, beta);
        Store(c + 72, s9, alpha, beta);
        Store(c + 80, s10, alpha, beta);
        Store(c + 88, s11, alpha, beta);
    }

    /// <summary>Where column j's chunk of eight starts in a packed k block: panel j / nr, offset j % nr, stride nr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Column(float* block, int j, int nr, int kc) => block + (nint)(j / nr) * nr * kc + j % nr;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> x, float alpha, float beta)
    {
        x *= Vector256.Create(alpha);
        if (beta != 0) x = MulAdd(Vector256.Load(c), Vector256.Create(beta), x);
        x.Store(c);
    }
}
