using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Reservoir.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class RidgeAccumulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void The_block_products_match_a_plain_double_sum_and_do_not_depend_on_the_thread_count()
    {
        // 130 features (large enough to fold blocks on other threads), 3 targets, 700 rows (two full blocks and a part).
        const int F = 130, K = 3, T = 700;
        var random = new Random(11);
        double[][] z = Enumerable.Range(0, T).Select(_ => Enumerable.Range(0, F).Select(j => j == 0 ? 1 : random.NextDouble() * 2 - 1).ToArray()).ToArray();
        double[][] y = Enumerable.Range(0, T).Select(_ => Enumerable.Range(0, K).Select(_ => random.NextDouble()).ToArray()).ToArray();
        double[] Solve(int threads)
        {
            using var scope = ComputeSettings.UseThreads(threads);
            var accumulator = new RidgeAccumulator(F, K);
            for (int t = 0; t < T; t++) accumulator.Add(z[t], y[t]);
            return accumulator.Solve(0.5);
        }
        double[] one = Solve(1), two = Solve(2), three = Solve(3);

        // The same solve on G and C summed row by row in double.
        var g = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(F, F);
        var c = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(F, K);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < F; i++)
            {
                for (int j = 0; j < F; j++) g[i, j] += z[t][i] * z[t][j];
                for (int k = 0; k < K; k++) c[i, k] += z[t][i] * y[t][k];
            }
        for (int i = 1; i < F; i++) g[i, i] += 0.5;
        var w = g.Cholesky().Solve(c);
        double maxDiff = 0;
        for (int k = 0; k < K; k++)
            for (int i = 0; i < F; i++) maxDiff = Math.Max(maxDiff, Math.Abs(one[k * F + i] - w[i, k]));
        output.WriteLine($"max |blocked - row by row| = {maxDiff:E2}");
        Assert.True(maxDiff < 1e-10);
        Assert.Equal(one, two);
        Assert.Equal(one, three);
    }

    [Fact]
    public void A_forecaster_fitted_on_one_thread_and_on_two_has_the_same_bits()
    {
        double[] series = MackeyGlass.Generate(1500);
        var options = new EchoStateNetworkOptions { ReservoirSize = 200, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 6 };
        EchoStateNetwork Fit(int threads)
        {
            using var scope = ComputeSettings.UseThreads(threads);
            return EchoStateNetwork.FitForecaster(options, series);
        }
        var (one, two) = (Fit(1), Fit(2));
        Assert.Equal(one.ReadoutWeights.ToArray(), two.ReadoutWeights.ToArray());
        Assert.Equal(one.Reservoir.RecurrentWeights.ToArray(), two.Reservoir.RecurrentWeights.ToArray());
        Assert.Contains(one.ReadoutWeights.ToArray(), v => Math.Abs(v) > 0.01);
    }
}
