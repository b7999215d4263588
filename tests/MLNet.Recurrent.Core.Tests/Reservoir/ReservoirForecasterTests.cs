using MLNet.Recurrent.Core.Reservoir;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class ReservoirForecasterTests(ITestOutputHelper output)
{
    private static double[] TrendPlusSine(int start, int count) =>
        Enumerable.Range(start, count).SelectMany(t => new[] { 20 + 0.05 * t + Math.Sin(t / 6.0), 50 - 0.02 * t }).ToArray();

    [Fact]
    public void Differencing_forecasts_a_drifting_series_beyond_the_range_seen_at_fit()
    {
        // Fit on steps 0..799 of two drifting series; forecast after step 1199, where both levels are outside the fitted range.
        var options = new EchoStateNetworkOptions
        {
            InputSize = 2, OutputSize = 2, ReservoirSize = 100, SpectralRadius = 0.9, LeakRate = 0.5, Ridge = 1e-6, Washout = 50, Seed = 1,
        };
        var forecaster = ReservoirForecaster.Fit(options, [TrendPlusSine(0, 800)], differencing: true);
        var state = forecaster.CreateState();
        double[] all = TrendPlusSine(0, 1220);
        for (int t = 0; t < 1200; t++) forecaster.Observe(state, all.AsSpan(t * 2, 2));
        double[] forecast = forecaster.Forecast(state, 20);
        double worst = 0;
        for (int i = 0; i < forecast.Length; i++) worst = Math.Max(worst, Math.Abs(forecast[i] - all[2400 + i]));
        output.WriteLine($"20 steps free running after step 1199 (levels {all[2398]:F2}, {all[2399]:F2}; fitted up to {all[1598]:F2}, {all[1599]:F2}): max error {worst:E2} (bound 0.05)");
        Assert.True(worst < 0.05);
    }

    [Fact]
    public void A_saved_forecaster_with_input_in_the_readout_and_differencing_loads_bit_for_bit()
    {
        var options = new EchoStateNetworkOptions
        {
            InputSize = 2, OutputSize = 2, ReservoirSize = 30, ReadoutIncludesInput = true, Washout = 10, Seed = 2,
        };
        double[] series = TrendPlusSine(0, 300);
        var forecaster = ReservoirForecaster.Fit(options, [series], differencing: true);
        using var stream = new MemoryStream();
        forecaster.Save(stream);
        stream.Position = 0;
        var loaded = ReservoirForecaster.Load(stream);
        Assert.True(loaded.Differencing);
        Assert.True(loaded.Network.Options.ReadoutIncludesInput);
        Assert.Equal(2 * (1 + 2 + 30), loaded.Network.ReadoutWeights.Length); // [K, 1 + D + N]
        double[] Forecast(ReservoirForecaster f)
        {
            var s = f.CreateState();
            for (int t = 0; t < 300; t++) f.Observe(s, series.AsSpan(t * 2, 2));
            return f.Forecast(s, 15);
        }
        Assert.Equal(Forecast(forecaster), Forecast(loaded));
    }
}
