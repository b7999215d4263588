using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>
/// The blocked GEMM against <see cref="Gemm.Reference"/>. Tolerance: every element within
/// <c>(k + 4) * 2^-24 * (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)</c> of the double-accumulated reference, the
/// worst-case float32 bound (see <see cref="GemmCase.WorstErrorInBounds"/>). Every kernel runs on every
/// machine (an unaccelerated vector width falls back to software), and all kernels must agree bit for bit,
/// as <see cref="GemmKernel"/> promises.
/// </summary>
public sealed class GemmTests(ITestOutputHelper output)
{
    // The 256- and 512-bit kernels need fused multiply-add in hardware (every x64 processor with AVX2 has it).
    private static readonly GemmKernel[] Kernels =
        [.. new[] { GemmKernel.Scalar, GemmKernel.Vector128, GemmKernel.Vector256, GemmKernel.Vector512 }.Where(GemmMicroKernels.Supports)];

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Every_dimension_from_0_to_67_matches_reference(bool transposeA, bool transposeB)
    {
        // Sweep one dimension over 0..67 with the other two at 1, 13 (prime, not a multiple of any vector
        // width) and 67 (prime, more than two 32-wide tiles); 1,836 shapes per transpose combination.
        int[] others = [1, 13, 67];
        double worst = 0;
        int cases = 0, seed = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            for (int v = 0; v <= 67; v++)
            {
                foreach (int x in others)
                {
                    foreach (int y in others)
                    {
                        int m = axis == 0 ? v : x, n = axis == 1 ? v : axis == 0 ? x : y, k = axis == 2 ? v : y;
                        worst = Math.Max(worst, CheckAllKernels(new GemmCase(transposeA, transposeB, m, n, k, 1f, 0f, seed++)));
                        cases++;
                    }
                }
            }
        }
        output.WriteLine($"{cases} shapes, worst error {worst:F3} of the float32 bound");
        Assert.True(worst <= 1, $"worst error {worst} of the bound");
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Random_triples_with_alpha_beta_and_wide_leading_dimensions_match_reference(bool transposeA, bool transposeB)
    {
        var rng = new Random(transposeA ? (transposeB ? 3 : 2) : (transposeB ? 1 : 0));
        float[] alphas = [1f, -0.5f, 2.25f], betas = [0f, 1f, -1.5f, 0.3f];
        double worst = 0;
        for (int i = 0; i < 150; i++)
        {
            var test = new GemmCase(transposeA, transposeB, rng.Next(68), rng.Next(68), rng.Next(68),
                alphas[rng.Next(alphas.Length)], betas[rng.Next(betas.Length)], seed: 1000 + i, extraLd: rng.Next(3) * 5);
            worst = Math.Max(worst, CheckAllKernels(test));
        }
        output.WriteLine($"worst error {worst:F3} of the float32 bound");
        Assert.True(worst <= 1, $"worst error {worst} of the bound");
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Beta_zero_ignores_NaN_in_c(bool transposeA, bool transposeB)
    {
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 19, 5), (13, 67, 40), (50, 33, 300) })
        {
            var test = new GemmCase(transposeA, transposeB, m, n, k, 0.75f, 0f, seed: m, extraLd: 2, nanC: true);
            Assert.True(CheckAllKernels(test) <= 1, test.ToString());
        }
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0f, -2f)]
    [InlineData(1.5f, 0f)]
    [InlineData(1.5f, 0.5f)]
    public void K_zero_or_alpha_zero_only_scales_c(float alpha, float beta)
    {
        foreach (int k in alpha == 0 ? new[] { 0, 9 } : new[] { 0 })
        {
            var test = new GemmCase(false, true, 5, 11, k, alpha, beta, seed: 7, extraLd: 3, nanC: beta == 0);
            var expected = (float[])test.C0.Clone();
            for (int i = 0; i < test.M; i++)
            {
                for (int j = 0; j < test.N; j++) expected[i * test.Ldc + j] = beta == 0 ? 0 : beta * test.C0[i * test.Ldc + j];
            }
            foreach (var kernel in Kernels) Assert.Equal(expected, test.Run(kernel, 2));
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Long_reductions_and_wide_outputs_match_reference(bool transposeA, bool transposeB)
    {
        // k beyond one 256-deep block (so later blocks accumulate onto C) and n beyond one 1024-wide task.
        foreach (var (m, n, k, beta) in new[] { (7, 29, 257, 0f), (13, 40, 600, 0.5f), (9, 1100, 70, 1f) })
        {
            var test = new GemmCase(transposeA, transposeB, m, n, k, 1.25f, beta, seed: k, extraLd: 1);
            double worst = CheckAllKernels(test);
            output.WriteLine($"{test}: worst {worst:F3}");
            Assert.True(worst <= 1, test.ToString());
        }
    }

    [Theory]
    [InlineData((int)GemmKernel.Vector256)]
    [InlineData((int)GemmKernel.Vector512)]
    public void Thread_count_never_changes_a_bit(int kernelNumber)
    {
        var kernel = (GemmKernel)kernelNumber;
        // The short shapes (m up to 144) take the path where the caller packs A once for all tasks: the wide ones split
        // by columns, the two of one B panel split by rows, each task reading its rows from the shared packing.
        foreach (var (tA, tB, m, n, k) in new[]
        {
            (false, false, 301, 1100, 600), (true, true, 64, 2048, 260), (false, true, 2000, 40, 100), (false, false, 32, 1024, 300),
            (false, true, 5, 4096, 300), (false, true, 140, 16, 1000), (true, false, 139, 13, 1200),
        })
        {
            var test = new GemmCase(tA, tB, m, n, k, 1f, 0.5f, seed: m);
            float[] one = test.Run(kernel, 1);
            Assert.Equal(one, test.Run(kernel, 2));
            Assert.Equal(one, test.Run(kernel, 3));
            Assert.Equal(one, test.RunPacked(kernel, 2));
        }
    }

    [Theory]
    [InlineData(false, 2048, 1024, 64)]
    [InlineData(false, 37, 70, 300)]
    [InlineData(true, 150, 33, 257)]
    [InlineData(false, 5, 40, 0)]
    public void Row_bias_product_equals_filling_the_bias_then_multiplying_with_beta_one(bool transposeA, int m, int n, int k)
    {
        var random = new Random(m + n + k);
        float[] Rand(int length)
        {
            var v = new float[length];
            for (int i = 0; i < length; i++) v[i] = 2f * random.NextSingle() - 1f;
            return v;
        }
        int lda = transposeA ? m : k + 1, ldc = n + 3;
        float[] a = Rand(Math.Max(1, transposeA ? k * lda : m * lda)), b = Rand(Math.Max(1, n * k)), bias = Rand(n);
        float[] expected = new float[m * ldc];
        for (int i = 0; i < m; i++) bias.CopyTo(expected, i * ldc);
        Gemm.Multiply(transposeA, true, m, n, k, 1f, a, lda, b, Math.Max(1, k), 1f, expected, ldc);
        if (k > 0) Assert.Contains(expected, v => MathF.Abs(v) > 1f);
        foreach (int threads in new[] { 1, 2 })
        {
            using var scope = ComputeSettings.UseThreads(threads);
            // Garbage in C, including NaN: the bias replaces it.
            float[] actual = new float[m * ldc];
            Array.Fill(actual, float.NaN);
            Gemm.MultiplyAddRowBias(transposeA, true, m, n, k, a, lda, b, Math.Max(1, k), bias, actual, ldc);
            for (int i = 0; i < m; i++)
            {
                Assert.True(expected.AsSpan(i * ldc, n).SequenceEqual(actual.AsSpan(i * ldc, n)), $"row {i}, {threads} thread(s)");
                // Past n in each row, C is not touched.
                if (i < m - 1) Assert.True(float.IsNaN(actual[i * ldc + n]));
            }
        }
    }

    [Fact]
    public void Concurrent_callers_share_helpers_without_mixing_jobs()
    {
        // Four threads each run different shapes on 2 threads at once, so helpers move between published
        // jobs and jobs are reused while helpers may still hold them; every result must equal its 1-thread bits.
        var cases = new[]
        {
            new GemmCase(false, true, 32, 1024, 256, 1f, 0f, seed: 1),
            new GemmCase(true, false, 70, 300, 90, 0.5f, 1f, seed: 2),
            new GemmCase(false, false, 200, 64, 300, 1f, 0.25f, seed: 3),
            new GemmCase(true, true, 48, 520, 130, 2f, 0f, seed: 4),
        };
        float[][] expected = cases.Select(t => t.Run(GemmKernel.Vector256, 1)).ToArray();
        int mismatches = 0;
        Parallel.For(0, cases.Length, new ParallelOptions { MaxDegreeOfParallelism = cases.Length }, i =>
        {
            for (int round = 0; round < 25; round++)
            {
                if (!cases[i].Run(GemmKernel.Vector256, 2).AsSpan().SequenceEqual(expected[i])) Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Public_multiply_matches_reference_on_a_step()
    {
        // The recurrent step shape through the public entry point: h[32, 256] x W^T, W stored [1024, 256].
        var test = new GemmCase(false, true, 32, 1024, 256, 1f, 1f, seed: 5);
        var c = (float[])test.C0.Clone();
        Gemm.Multiply(false, true, 32, 1024, 256, 1f, test.A, test.Lda, test.B, test.Ldb, 1f, c, test.Ldc);
        double worst = test.WorstErrorInBounds(c, test.RunReference());
        output.WriteLine($"worst error {worst:F3} of the float32 bound");
        Assert.True(worst <= 1);
    }

    [Fact]
    public void Wrong_leading_dimension_names_the_argument()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[8], 3, new float[12], 3, 0f, new float[6], 3));
        Assert.Equal("'lda' was 3; it must be at least 4. (Parameter 'lda')", ex.Message);
    }

    // Single-threaded so the count is this code's own: with workers, the thread pool's shared queue may grow
    // a segment when other tests flood it. The 2-thread figure is in the benchmarks' MemoryDiagnoser column.
    [Fact]
    public void Steady_state_calls_do_not_allocate()
    {
        var test = new GemmCase(false, true, 32, 1024, 256, 1f, 0f, seed: 9);
        var packed = Gemm.Pack(false, 256, 1024, new float[256 * 1024], 1024);
        var c = new float[32 * 1024];
        void Calls()
        {
            for (int i = 0; i < 10; i++)
            {
                Gemm.MultiplyCore(GemmMicroKernels.Best, 1, false, true, 32, 1024, 256, 1f, test.A, test.Lda, test.B, test.Ldb, null, 0f, c, 1024);
                Gemm.Multiply(1, false, 32, 1f, test.A, test.Lda, packed, 0f, c, 1024);
            }
        }
        // The first rounds may allocate once (thread-local pack buffers, JIT tiering); the steady state must not.
        for (int round = 0; round < 3; round++) Calls();
        Assert.Equal(0, SteadyState.AllocatedBytes(Calls));
    }

    /// <summary>Runs every kernel (1 and 2 threads), requires identical bits, returns the error in units of the bound.</summary>
    private static double CheckAllKernels(GemmCase test)
    {
        float[] expected = test.RunReference();
        float[]? first = null;
        double worst = 0;
        foreach (var kernel in Kernels)
        {
            float[] actual = test.Run(kernel, kernel == GemmKernel.Vector256 ? 2 : 1);
            if (first is null) first = actual;
            else Assert.True(first.AsSpan().SequenceEqual(actual), $"{kernel} differs from {Kernels[0]} at {test}");
            worst = Math.Max(worst, test.WorstErrorInBounds(actual, expected));
        }
        return worst;
    }
}
