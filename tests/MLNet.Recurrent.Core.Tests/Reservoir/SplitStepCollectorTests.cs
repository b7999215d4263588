using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Reservoir.Internals;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class SplitStepCollectorTests
{
    private static EchoStateNetworkOptions Options(int units, bool feedback, bool includeInput) => new()
    {
        InputSize = 2, OutputSize = 2, ReservoirSize = units, SpectralRadius = 1.1, LeakRate = 0.4, Ridge = 1e-4,
        Washout = 50, Seed = 5, FeedbackScaling = feedback ? 0.5 : 0, ReadoutIncludesInput = includeInput,
    };

    private static (double[] Inputs, double[] Targets) Series(int steps, int seed)
    {
        var random = new Random(seed);
        var inputs = new double[steps * 2];
        var targets = new double[steps * 2];
        for (int t = 0; t < steps; t++)
        {
            inputs[2 * t] = Math.Sin(t * 0.1) + 0.1 * random.NextDouble();
            inputs[2 * t + 1] = Math.Cos(t * 0.07);
            targets[2 * t] = Math.Sin((t + 1) * 0.1);
            targets[2 * t + 1] = random.NextDouble() - 0.5;
        }
        return (inputs, targets);
    }

    [Theory]
    [InlineData(301, false, false, 2)]
    [InlineData(301, true, true, 3)]
    [InlineData(200, false, true, 2)]
    public void a_step_split_over_threads_fits_the_same_readout_bits_as_the_plain_loop(int units, bool feedback, bool includeInput, int threads)
    {
        var options = Options(units, feedback, includeInput);
        var (inputs, targets) = Series(1_000, units);
        double[] plain;
        using (ComputeSettings.UseThreads(1)) plain = EchoStateNetwork.Fit(options, inputs, targets).ReadoutWeights.ToArray();

        var reservoir = EchoStateReservoir.Create(options);
        var accumulator = new RidgeAccumulator(options.ReadoutFeatures, options.OutputSize);
        Assert.True(SplitStepCollector.TryRun(reservoir, options, accumulator, inputs, targets, 1_000, threads, default, minimumUnits: 128));
        Assert.Equal(950, accumulator.Rows);
        double[] split = accumulator.Solve(options.Ridge);

        Assert.Equal(plain, split);
        Assert.Contains(plain, v => v != 0);
    }

    [Fact]
    public void a_fit_large_enough_to_split_gives_the_same_readout_on_one_and_two_threads()
    {
        var options = Options(SplitStepCollector.MinimumUnits + 10, true, true);
        var (inputs, targets) = Series(400, 8);
        double[] Fit(int threads)
        {
            using var scope = ComputeSettings.UseThreads(threads);
            return EchoStateNetwork.Fit(options, inputs, targets).ReadoutWeights.ToArray();
        }
        Assert.Equal(Fit(1), Fit(2));
    }

    [Fact]
    public void rows_of_several_series_carry_over_a_part_filled_block_as_the_plain_loop_does()
    {
        var forecaster = new EchoStateNetworkOptions
        {
            InputSize = 2, OutputSize = 2, ReservoirSize = 160, SpectralRadius = 0.9, LeakRate = 0.5, Washout = 30, Seed = 9,
            ReadoutIncludesInput = true,
        };
        double[][] series = [Series(400, 1).Inputs, Series(333, 2).Inputs, Series(290, 3).Inputs];
        double[] plain;
        using (ComputeSettings.UseThreads(1)) plain = EchoStateNetwork.FitForecaster(forecaster, series).ReadoutWeights.ToArray();

        var reservoir = EchoStateReservoir.Create(forecaster);
        var accumulator = new RidgeAccumulator(forecaster.ReadoutFeatures, 2);
        foreach (double[] one in series)
        {
            int steps = one.Length / 2 - 1;
            Assert.True(SplitStepCollector.TryRun(reservoir, forecaster, accumulator, one.AsSpan(0, steps * 2), one.AsSpan(2), steps, 2, default, minimumUnits: 128));
        }
        Assert.Equal(plain, accumulator.Solve(forecaster.Ridge));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void the_parts_of_W_together_give_the_bits_of_the_whole_product(int parts)
    {
        var reservoir = EchoStateReservoir.Create(Options(301, false, false));
        var random = new Random(3);
        double[] x = Enumerable.Range(0, 301).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var whole = new double[301];
        var split = new double[301];
        new SparseMatrix(reservoir.RecurrentWeights.ToArray().Select(v => (double)v).ToArray(), 301).MultiplyAddReference(x, whole);
        SparseMatrix[] cut = reservoir.Parts(parts);
        Assert.Equal(parts, cut.Length);
        Assert.Equal(0, cut[0].RowStart);
        Assert.Equal(301, cut[^1].RowEnd);
        for (int p = 0; p < parts; p++)
        {
            if (p > 0) Assert.Equal(cut[p - 1].RowEnd, cut[p].RowStart);
            cut[p].MultiplyAdd(x, split);
        }
        Assert.Equal(whole, split);
        Assert.Equal(reservoir.RecurrentNonZeros, cut.Sum(c => c.NonZeros));
        // About equal shares of the nonzeros (within a slice of rows).
        Assert.All(cut, c => Assert.InRange(c.NonZeros, reservoir.RecurrentNonZeros / parts - 400, reservoir.RecurrentNonZeros / parts + 400));
    }

    [Fact]
    public void a_cancelled_split_run_throws_and_leaves_no_thread_waiting()
    {
        var options = Options(256, false, false);
        var (inputs, targets) = Series(5_000, 4);
        var reservoir = EchoStateReservoir.Create(options);
        var accumulator = new RidgeAccumulator(options.ReadoutFeatures, 2);
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            SplitStepCollector.TryRun(reservoir, options, accumulator, inputs, targets, 5_000, 2, source.Token, minimumUnits: 128));
    }

    [Fact]
    public void a_reservoir_below_the_minimum_size_is_left_to_the_plain_loop()
    {
        var options = Options(SplitStepCollector.MinimumUnits - 1, false, false);
        var (inputs, targets) = Series(200, 4);
        var accumulator = new RidgeAccumulator(options.ReadoutFeatures, 2);
        Assert.False(SplitStepCollector.TryRun(EchoStateReservoir.Create(options), options, accumulator, inputs, targets, 200, 2, default));
        Assert.Equal(0, accumulator.Rows);
    }
}
