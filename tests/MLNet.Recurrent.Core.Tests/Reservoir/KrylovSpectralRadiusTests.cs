using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Reservoir.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class KrylovSpectralRadiusTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20, 0.1, 1)]
    [InlineData(50, 0.1, 2)]
    [InlineData(100, 0.1, 3)]
    [InlineData(100, 0.3, 42)]
    [InlineData(300, 0.05, 3)]
    [InlineData(200, 0.1, 7)]
    public void The_krylov_estimate_matches_the_dense_eigendecomposition_of_a_random_reservoir(int n, double connectivity, int seed)
    {
        double[] w = RandomSparse(n, connectivity, seed);
        double dense = Eigenvalues.SpectralRadius(w, n);
        double estimate = KrylovSpectralRadius.Estimate(new SparseMatrix(w, n), out double change);
        double relative = Math.Abs(estimate - dense) / dense;
        output.WriteLine($"N {n}, connectivity {connectivity}, seed {seed}: dense {dense:R}, Krylov {estimate:R}, relative difference {relative:E2}, last change {change:E2}");
        Assert.True(relative < 1e-6, $"relative difference {relative:E2}");
        Assert.True(change < KrylovSpectralRadius.Tolerance);
    }

    [Fact]
    public void A_dominant_complex_pair_is_found_where_plain_power_iteration_would_rotate()
    {
        // Rotation blocks: eigenvalues r e^(+-i theta); the largest pair 1.5 e^(+-0.7i), the next 1.2, 1.0, ... so the
        // iterate rotates and never settles on one vector.
        const int N = 40;
        var w = new double[N * N];
        for (int b = 0; b < N / 2; b++)
        {
            double r = b == 0 ? 1.5 : 1.2 - 0.01 * b, theta = 0.7 + 0.1 * b;
            int i = 2 * b;
            w[i * N + i] = r * Math.Cos(theta);
            w[i * N + i + 1] = -r * Math.Sin(theta);
            w[(i + 1) * N + i] = r * Math.Sin(theta);
            w[(i + 1) * N + i + 1] = r * Math.Cos(theta);
        }
        // Couple the blocks (upper triangular, so the eigenvalues stay the blocks' own) and hide the structure.
        var random = new Random(5);
        for (int i = 0; i < N; i++)
            for (int j = (i / 2 + 1) * 2; j < N; j++)
                if (random.NextDouble() < 0.2) w[i * N + j] = random.NextDouble() - 0.5;
        Permute(w, N, random);
        double dense = Eigenvalues.SpectralRadius(w, N);
        double estimate = KrylovSpectralRadius.Estimate(new SparseMatrix(w, N), out double change);
        output.WriteLine($"dense {dense:R}, Krylov {estimate:R}, last change {change:E2}");
        Assert.Equal(1.5, dense, 1e-9);
        Assert.Equal(1.5, estimate, 1e-7);
    }

    [Fact]
    public void A_nilpotent_matrix_has_radius_zero()
    {
        // Strictly upper triangular: W^N = 0.
        const int N = 30;
        var w = new double[N * N];
        var random = new Random(2);
        for (int i = 0; i < N; i++)
            for (int j = i + 1; j < N; j++)
                if (random.NextDouble() < 0.3) w[i * N + j] = random.NextDouble() + 0.1;
        Permute(w, N, random);
        Assert.Equal(0, KrylovSpectralRadius.Estimate(new SparseMatrix(w, N), out _));
    }

    private static double[] RandomSparse(int n, double connectivity, int seed)
    {
        var random = new DeterministicRandom(seed);
        var w = new double[n * n];
        for (int i = 0; i < w.Length; i++)
            if (random.NextDouble() < connectivity) w[i] = (float)(random.NextDouble() * 2 - 1);
        return w;
    }

    /// <summary>P W P^T for a random permutation P: the same eigenvalues, no visible structure.</summary>
    private static void Permute(double[] w, int n, Random random)
    {
        int[] p = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        var copy = (double[])w.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) w[p[i] * n + p[j]] = copy[i * n + j];
    }
}
