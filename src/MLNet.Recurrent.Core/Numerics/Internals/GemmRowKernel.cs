using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Products of one or two rows by a pre-packed B (a recurrent step at batch 1, a generation step), read straight from
/// A: the blocked path would pack A and set up a job for them (its edge-row kernels, <see cref="GemmMacroKernel"/>,
/// serve the 1 to 5 rows under full 6-row panels of bigger products). Each element is the same chain as in
/// the micro-kernels — fused multiply-adds in k order from zero per k block, then <c>alpha * x</c>, then
/// <c>fma(c, beta, .)</c> (beta 1 after the first k block) — so results are bit-identical to the blocked path.
/// A call runs on the calling thread; a recurrent step of one or two rows is split between threads by the fused step
/// (<c>RecurrentStepJob</c>), each task one block of units of every gate (<see cref="RunGates"/>).
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
    internal static void Run(int m, int n, int k, float alpha, float* a, nint lda, float* packed, int nr, float beta, float* c, nint ldc) =>
        Run(m, k, new ColumnChunks(1, n, 0, n), (n + nr - 1) / nr * nr, alpha, a, lda, packed, nr, beta, c, ldc);

    /// <summary>
    /// <see cref="Run(int, int, int, float, float*, nint, float*, int, float, float*, nint)"/> for only the columns of
    /// units [<paramref name="u0"/>, <paramref name="u1"/>) of each of <paramref name="gateCount"/> gates of width
    /// <paramref name="h"/> (column <c>gate * h + u</c>; k is <paramref name="h"/>): one task of a fused recurrent step.
    /// <paramref name="h"/>, <paramref name="u0"/> and <paramref name="u1"/> are multiples of 8. The chains run across
    /// gates, so a narrow block of units still keeps twelve of them in flight.
    /// </summary>
    internal static void RunGates(
        int m, int gateCount, int h, int u0, int u1, float alpha, float* a, nint lda, float* packed, int nr, float beta, float* c, nint ldc) =>
        Run(m, h, new ColumnChunks(gateCount, h, u0, u1), gateCount * h, alpha, a, lda, packed, nr, beta, c, ldc);

    [SkipLocalsInit]
    private static void Run(
        int m, int k, ColumnChunks chunks, int padded, float alpha, float* a, nint lda, float* packed, int nr, float beta, float* c, nint ldc)
    {
        int kcNominal = GemmPacking.KcFor(k), count = chunks.Count;
        // Only the last chunk of a plain product can be narrower than eight columns.
        int full = chunks.Width(count - 1) == 8 ? count : count - 1;
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
                int q = 0;
                // Twelve independent chains of eight columns keep both FMA pipes busy (a fused multiply-add takes
                // about four cycles and two can start per cycle); four chains, for what is left, would halve that.
                for (; q + 12 <= full; q += 12) Chains12(x, kc, block, chunks, q, nr, cRow, alpha, blockBeta);
                for (; q + 4 <= full; q += 4)
                {
                    int j0 = chunks.Column(q), j1 = chunks.Column(q + 1), j2 = chunks.Column(q + 2), j3 = chunks.Column(q + 3);
                    float* b0 = Column(block, j0, nr, kc), b1 = Column(block, j1, nr, kc);
                    float* b2 = Column(block, j2, nr, kc), b3 = Column(block, j3, nr, kc);
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
                    Store(cRow + j0, s0, alpha, blockBeta);
                    Store(cRow + j1, s1, alpha, blockBeta);
                    Store(cRow + j2, s2, alpha, blockBeta);
                    Store(cRow + j3, s3, alpha, blockBeta);
                }
                for (; q < count; q++)
                {
                    // Panels are zero-padded to nr columns, so a chunk of eight is always readable.
                    int j = chunks.Column(q);
                    float* b0 = Column(block, j, nr, kc);
                    Vector256<float> s0 = default;
                    for (nint p = 0; p < kc; p++) s0 = MulAdd(Vector256.Create(x[p]), Vector256.Load(b0 + p * nr), s0);
                    if (q < full)
                    {
                        Store(cRow + j, s0, alpha, blockBeta);
                    }
                    else
                    {
                        s0.Store(tail);
                        for (int r = 0; r < chunks.Width(q); r++) cRow[j + r] = GemmMicroKernels.StoreValue(tail[r], cRow + j, r, alpha, blockBeta);
                    }
                }
            }
        }
    }

    /// <summary>Chunks q to q + 11 of one row over one k block: twelve chains of eight columns, then the epilogue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chains12(float* x, int kc, float* block, ColumnChunks chunks, int q, int nr, float* c, float alpha, float beta)
    {
        int j0 = chunks.Column(q), j1 = chunks.Column(q + 1), j2 = chunks.Column(q + 2), j3 = chunks.Column(q + 3);
        int j4 = chunks.Column(q + 4), j5 = chunks.Column(q + 5), j6 = chunks.Column(q + 6), j7 = chunks.Column(q + 7);
        int j8 = chunks.Column(q + 8), j9 = chunks.Column(q + 9), j10 = chunks.Column(q + 10), j11 = chunks.Column(q + 11);
        float* b0 = Column(block, j0, nr, kc), b1 = Column(block, j1, nr, kc), b2 = Column(block, j2, nr, kc);
        float* b3 = Column(block, j3, nr, kc), b4 = Column(block, j4, nr, kc), b5 = Column(block, j5, nr, kc);
        float* b6 = Column(block, j6, nr, kc), b7 = Column(block, j7, nr, kc), b8 = Column(block, j8, nr, kc);
        float* b9 = Column(block, j9, nr, kc), b10 = Column(block, j10, nr, kc), b11 = Column(block, j11, nr, kc);
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
        Store(c + j0, s0, alpha, beta);
        Store(c + j1, s1, alpha, beta);
        Store(c + j2, s2, alpha, beta);
        Store(c + j3, s3, alpha, beta);
        Store(c + j4, s4, alpha, beta);
        Store(c + j5, s5, alpha, beta);
        Store(c + j6, s6, alpha, beta);
        Store(c + j7, s7, alpha, beta);
        Store(c + j8, s8, alpha, beta);
        Store(c + j9, s9, alpha, beta);
        Store(c + j10, s10, alpha, beta);
        Store(c + j11, s11, alpha, beta);
    }

    /// <summary>
    /// The columns a call computes, as chunks of eight: units [U0, U1) of each of <c>Gates</c> gates of width H (a plain
    /// product is one gate of all its columns, whose last chunk may be narrower).
    /// </summary>
    private readonly struct ColumnChunks(int gates, int h, int u0, int u1)
    {
        private readonly int _perGate = (u1 - u0 + 7) / 8;

        /// <summary>Chunks in all.</summary>
        public int Count => gates * _perGate;

        /// <summary>The first column of chunk <paramref name="q"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Column(int q) => q / _perGate * h + u0 + q % _perGate * 8;

        /// <summary>Live columns of chunk <paramref name="q"/> (8 but for a plain product's last).</summary>
        public int Width(int q) => Math.Min(8, u1 - (u0 + q % _perGate * 8));
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
