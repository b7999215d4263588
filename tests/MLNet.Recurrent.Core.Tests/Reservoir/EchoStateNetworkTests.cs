using MathNet.Numerics.LinearAlgebra;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Serialization;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class EchoStateNetworkTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(100, 1.25, 0.1)]
    [InlineData(300, 0.9, 0.05)]
    public void Spectral_radius_is_within_one_percent_of_the_target(int units, double target, double connectivity)
    {
        var reservoir = EchoStateReservoir.Create(new EchoStateNetworkOptions
        {
            ReservoirSize = units, SpectralRadius = target, Connectivity = connectivity, Seed = 3,
        });
        // Measured independently of the library: the eigenvalues of the float32 weights it will step with.
        float[] w = reservoir.RecurrentWeights.ToArray();
        var m = Matrix<double>.Build.Dense(units, units, (i, j) => w[i * units + j]);
        double measured = m.Evd().EigenValues.Max(l => l.Magnitude);
        output.WriteLine($"N {units}, connectivity {connectivity}: target {target}, reported {reservoir.SpectralRadius:R}, measured {measured:R}, nonzeros {reservoir.RecurrentNonZeros}");
        Assert.InRange(measured, target * 0.99, target * 1.01);
        Assert.InRange(reservoir.SpectralRadius, target * 0.99, target * 1.01);
        Assert.InRange(reservoir.RecurrentNonZeros, units * units * connectivity * 0.8, units * units * connectivity * 1.2);
    }

    [Fact]
    public void Ridge_readout_equals_the_closed_form_solve_on_a_small_case()
    {
        const int N = 8, D = 2, K = 2, T = 60, Washout = 5;
        const double Ridge = 0.1;
        double[] inputs = Enumerable.Range(0, T * D).Select(i => Math.Sin(0.3 * i) + 0.1 * (i % 7)).ToArray();
        double[] targets = Enumerable.Range(0, T * K).Select(i => Math.Cos(0.2 * i) * (1 + i % 3)).ToArray();
        var options = new EchoStateNetworkOptions
        {
            InputSize = D, OutputSize = K, ReservoirSize = N, SpectralRadius = 0.8, Connectivity = 0.5,
            InputConnectivity = 0.5, LeakRate = 0.6, Ridge = Ridge, Washout = Washout, Seed = 9,
        };
        var esn = EchoStateNetwork.Fit(options, inputs, targets);

        // The design matrix written out: rows [1, x[t]] for t >= washout, then W = (X^T X + lambda P)^-1 X^T Y.
        var x = new double[N];
        var scratch = new double[N];
        var design = Matrix<double>.Build.Dense(T - Washout, N + 1);
        var wanted = Matrix<double>.Build.Dense(T - Washout, K);
        for (int t = 0; t < T; t++)
        {
            esn.Reservoir.Update(x, inputs.AsSpan(t * D, D), [], scratch);
            if (t < Washout) continue;
            design[t - Washout, 0] = 1;
            for (int i = 0; i < N; i++) design[t - Washout, 1 + i] = x[i];
            for (int k = 0; k < K; k++) wanted[t - Washout, k] = targets[t * K + k];
        }
        var penalty = Matrix<double>.Build.DenseIdentity(N + 1) * Ridge;
        penalty[0, 0] = 0;
        var closed = (design.TransposeThisAndMultiply(design) + penalty).Inverse() * design.TransposeThisAndMultiply(wanted);

        double maxDiff = 0, maxWeight = 0;
        for (int k = 0; k < K; k++)
            for (int i = 0; i <= N; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(esn.ReadoutWeights[k * (N + 1) + i] - closed[i, k]));
                maxWeight = Math.Max(maxWeight, Math.Abs(closed[i, k]));
            }
        output.WriteLine($"max |W_esn - W_closed| = {maxDiff:E2} (largest weight {maxWeight:F3}, tolerance 1e-9); rows {esn.TrainingRows}");
        Assert.Equal(T - Washout, esn.TrainingRows);
        Assert.True(maxDiff < 1e-9);
        Assert.True(maxWeight > 0.1); // a real fit, not a zero readout
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_forecasts_and_another_seed_does_not()
    {
        double[] series = MackeyGlass.Generate(600);
        EchoStateNetwork Fit(int seed) => EchoStateNetwork.FitForecaster(Options(seed, washout: 50), series);
        var (a, b, c) = (Fit(7), Fit(7), Fit(8));
        Assert.Equal(a.Reservoir.RecurrentWeights.ToArray(), b.Reservoir.RecurrentWeights.ToArray());
        Assert.Equal(a.ReadoutWeights.ToArray(), b.ReadoutWeights.ToArray());
        Assert.Equal(ForecastAfter(a, series, 20), ForecastAfter(b, series, 20));
        Assert.NotEqual(a.Reservoir.RecurrentWeights.ToArray(), c.Reservoir.RecurrentWeights.ToArray());
        Assert.NotEqual(ForecastAfter(a, series, 20), ForecastAfter(c, series, 20));
    }

    [Fact]
    public void A_NaN_in_the_series_is_rejected_naming_the_step()
    {
        double[] series = MackeyGlass.Generate(300);
        series[137] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => EchoStateNetwork.FitForecaster(Options(1, washout: 10), series));
        output.WriteLine(e.Message);
        Assert.Contains("'series' was NaN", e.Message);
        Assert.Contains("at step 137, feature 0", e.Message);
    }

    [Fact]
    public void A_series_no_longer_than_the_washout_is_rejected_with_the_length_needed()
    {
        double[] series = MackeyGlass.Generate(101);
        var e = Assert.Throws<ArgumentException>(() => EchoStateNetwork.FitForecaster(Options(1, washout: 100), series));
        output.WriteLine(e.Message);
        Assert.Contains("'series' was \"101 steps long\"", e.Message);
        Assert.Contains("'Washout' 100 it must have at least 102 steps", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_spectral_radius_that_is_not_positive_is_rejected(double radius)
    {
        var options = new EchoStateNetworkOptions { SpectralRadius = radius };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EchoStateNetwork.FitForecaster(options, MackeyGlass.Generate(50)));
        output.WriteLine(e.Message);
        Assert.StartsWith($"'SpectralRadius' was {radius.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; it must be a finite positive number", e.Message);
    }

    [Fact]
    public void A_forecaster_with_different_input_and_output_sizes_is_rejected()
    {
        var options = new EchoStateNetworkOptions { InputSize = 2, OutputSize = 1 };
        var e = Assert.Throws<ArgumentException>(() => EchoStateNetwork.FitForecaster(options, new double[40]));
        Assert.Contains("'OutputSize' was 1; a forecaster predicts its next input, so it must equal 'InputSize' (2)", e.Message);
    }

    [Fact]
    public void Forecast_starts_at_the_last_output_continues_free_running_and_leaves_the_state_alone()
    {
        double[] series = MackeyGlass.Generate(500);
        var esn = EchoStateNetwork.FitForecaster(Options(2, washout: 50), series);
        var state = esn.CreateState();
        esn.Run(state, series.AsSpan(0, 400));
        double[] before = state.Activations.ToArray();
        double[] forecast = esn.Forecast(state, 3);
        Assert.Equal(before, state.Activations.ToArray());
        Assert.Equal(state.LastOutput[0], forecast[0]);
        // By hand: step a copy with the forecasts as inputs.
        var copy = state.Clone();
        var y = new double[1];
        esn.Step(copy, [forecast[0]], y);
        Assert.Equal(y[0], forecast[1]);
        esn.Step(copy, [forecast[1]], y);
        Assert.Equal(y[0], forecast[2]);
        Assert.Throws<ArgumentException>(() => esn.Forecast(esn.CreateState(), 3));
    }

    [Fact]
    public void Save_and_load_give_the_same_network_bit_for_bit()
    {
        double[] series = MackeyGlass.Generate(400);
        var options = new EchoStateNetworkOptions
        {
            ReservoirSize = 50, SpectralRadius = 1.1, LeakRate = 0.4, Ridge = 1e-7, Washout = 30, Seed = 4, FeedbackScaling = 0.5,
        };
        var esn = EchoStateNetwork.FitForecaster(options, series);
        using var stream = new MemoryStream();
        esn.Save(stream);
        stream.Position = 0;
        var loaded = EchoStateNetwork.Load(stream);
        Assert.Equal(esn.ReadoutWeights.ToArray(), loaded.ReadoutWeights.ToArray());
        Assert.Equal(esn.SpectralRadius, loaded.SpectralRadius);
        Assert.Equal(esn.Reservoir.SpectralRadiusChange, loaded.Reservoir.SpectralRadiusChange);
        Assert.True(esn.Reservoir.SpectralRadiusChange < 1e-9);
        Assert.Equal(esn.TrainingRows, loaded.TrainingRows);
        Assert.Equal(ForecastAfter(esn, series, 30), ForecastAfter(loaded, series, 30));
    }

    [Fact]
    public void A_model_file_with_a_misshapen_tensor_is_rejected_naming_it()
    {
        var esn = EchoStateNetwork.FitForecaster(Options(1, washout: 10), MackeyGlass.Generate(100));
        var file = esn.ToModelFile();
        var broken = new ModelFile();
        foreach (string key in file.Configuration.Keys)
            if (key == "reservoir_size") broken.Configuration.Set(key, 20);
            else if (file.Configuration.KindOf(key) == ConfigurationValueKind.Double) broken.Configuration.Set(key, file.Configuration.GetDouble(key));
            else if (file.Configuration.KindOf(key) == ConfigurationValueKind.Int32) broken.Configuration.Set(key, file.Configuration.GetInt32(key));
            else if (file.Configuration.KindOf(key) == ConfigurationValueKind.Int64) broken.Configuration.Set(key, file.Configuration.GetInt64(key));
            else if (file.Configuration.KindOf(key) == ConfigurationValueKind.Int64Array) broken.Configuration.Set(key, file.Configuration.GetInt64Array(key));
            else if (file.Configuration.KindOf(key) == ConfigurationValueKind.Boolean) broken.Configuration.Set(key, file.Configuration.GetBoolean(key));
            else broken.Configuration.Set(key, file.Configuration.GetString(key));
        foreach (var p in file.Parameters) broken.AddParameter(p);
        var e = Assert.Throws<InvalidDataException>(() => EchoStateNetwork.FromModelFile(broken));
        output.WriteLine(e.Message);
        Assert.Contains("\"reservoir.weight_ih\"", e.Message);
        Assert.Contains("the configuration implies [20, 1]", e.Message);
    }

    [Fact]
    public void Output_feedback_lets_a_reservoir_generate_a_sine_from_a_constant_input()
    {
        // No information in the input: the sine must come from the fed-back output (teacher forced in training).
        const int T = 1200;
        double[] inputs = Enumerable.Repeat(0.5, T).ToArray();
        double[] targets = Enumerable.Range(0, T).Select(t => 0.5 * Math.Sin(t / 4.0)).ToArray();
        var options = new EchoStateNetworkOptions
        {
            ReservoirSize = 100, SpectralRadius = 0.9, FeedbackScaling = 1, InputConnectivity = 0.2, Ridge = 1e-8, Washout = 100, Seed = 5,
        };
        var esn = EchoStateNetwork.Fit(options, inputs.AsSpan(0, 1000), targets.AsSpan(0, 1000));
        // Generation: restart, warm up teacher forced on the first 100 steps, then run on the outputs alone.
        var state = esn.CreateState();
        var y = new double[1];
        double squared = 0;
        for (int t = 0; t < 300; t++)
        {
            esn.Step(state, [0.5], y);
            if (t < 100) state.SetLastOutput(targets.AsSpan(t, 1));
            else squared += (y[0] - targets[t]) * (y[0] - targets[t]);
        }
        double rmse = Math.Sqrt(squared / 200);
        output.WriteLine($"free-running sine from feedback alone, steps 100-299: RMSE {rmse:E3} (amplitude 0.5, bound 0.05)");
        Assert.True(rmse < 0.05);
    }

    internal static EchoStateNetworkOptions Options(int seed, int washout) => new()
    {
        ReservoirSize = 100, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = washout, Seed = seed,
    };

    private static double[] ForecastAfter(EchoStateNetwork esn, double[] series, int horizon)
    {
        var state = esn.CreateState();
        esn.Run(state, series);
        return esn.Forecast(state, horizon);
    }
}
