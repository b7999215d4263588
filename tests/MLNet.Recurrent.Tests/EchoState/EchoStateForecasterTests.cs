using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.EchoState;

/// <summary>The ML.NET workout for EchoStateForecaster: schema, wrong input, values, bad rows, save/load in a child process.</summary>
public sealed class EchoStateForecasterTests(ITestOutputHelper output)
{
    private sealed class Step
    {
        public float Value { get; set; }
    }

    private sealed class TwoSeries
    {
        [VectorType(2)]
        public float[] Value { get; set; } = [];
    }

    private static IDataView MackeyGlassView(MLContext ml, int count) =>
        ml.Data.LoadFromEnumerable(MackeyGlass.Generate(count).Select(v => new Step { Value = (float)v }));

    private static EchoStateForecaster.Options Options(int horizon) => new()
    {
        Horizon = horizon, ReservoirSize = 100, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 42,
    };

    [Fact]
    public void The_forecast_column_is_declared_and_holds_horizon_values_per_row()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = MackeyGlassView(ml, 600);
        var estimator = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 5));
        SchemaShape.Column shape = Assert.Single(estimator.GetOutputSchema(SchemaShapes.Create(data.Schema)), c => c.Name == "Forecast");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Kind);
        Assert.Equal(NumberDataViewType.Single, shape.ItemType);

        EchoStateForecastTransformer model = estimator.Fit(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 5), model.Transform(data).Schema["Forecast"].Type);
        Assert.InRange(model.SpectralRadius, 1.25 * 0.99, 1.25 * 1.01);
    }

    [Fact]
    public void Forecasts_equal_the_engine_s_teacher_forced_and_free_running_forecasts()
    {
        var ml = new MLContext(seed: 1);
        double[] series = MackeyGlass.Generate(900);
        IDataView data = ml.Data.LoadFromEnumerable(series.Select(v => new Step { Value = (float)v }));
        EchoStateForecastTransformer model = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 10)).Fit(data);
        float[][] forecasts = ml.Data.CreateEnumerable<ForecastRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Forecast).ToArray();

        // The engine directly, on the same float32 values.
        ReservoirForecaster engine = model.Forecaster;
        var state = engine.CreateState();
        double oneStepSquared = 0, tenStepSquared = 0;
        int counted = 0;
        for (int t = 0; t < series.Length; t++)
        {
            engine.Observe(state, [(float)series[t]]);
            double[] expected = engine.Forecast(state, 10);
            for (int h = 0; h < 10; h++) Assert.Equal((float)expected[h], forecasts[t][h]);
            if (t >= 100 && t + 10 < series.Length)
            {
                oneStepSquared += Math.Pow(forecasts[t][0] - (float)series[t + 1], 2);
                tenStepSquared += Math.Pow(forecasts[t][9] - (float)series[t + 10], 2);
                counted++;
            }
        }
        double rmse1 = Math.Sqrt(oneStepSquared / counted), rmse10 = Math.Sqrt(tenStepSquared / counted);
        output.WriteLine($"in-sample RMSE: 1 step {rmse1:F5}, 10 steps free running {rmse10:F5} (series std about 0.23)");
        Assert.True(rmse1 < 0.01);
        Assert.True(rmse10 < 0.05);
    }

    [Fact]
    public void Several_series_in_one_vector_column_are_forecast_together()
    {
        var ml = new MLContext(seed: 1);
        double[] a = MackeyGlass.Generate(700);
        var rows = a.Select((v, t) => new TwoSeries { Value = [(float)(20 + 5 * v), (float)Math.Sin(t / 5.0)] }).ToList();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 3)).Fit(data);
        var column = model.Transform(data).Schema["Forecast"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3, 2), column.Type);
        float[] last = ml.Data.CreateEnumerable<ForecastRow>(model.Transform(data), reuseRowObject: false).Last().Forecast;
        double[] next = MackeyGlass.Generate(703);
        output.WriteLine($"after the last row: {string.Join(", ", last.Select(v => v.ToString("F4")))}; truth step 1: {20 + 5 * next[700]:F4}, {Math.Sin(700 / 5.0):F4}");
        Assert.Equal(20 + 5 * next[700], last[0], 0.05);
        Assert.Equal(Math.Sin(700 / 5.0), last[1], 0.02);
    }

    [Fact]
    public void A_text_column_is_rejected_naming_it_and_what_was_expected()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new { Value = "a" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.EchoStateForecaster().Fit(data));
        output.WriteLine(e.Message);
        Assert.Contains("Column 'Value' has type String; EchoStateForecaster expects a single Single (one series) or a vector of Single of known size S", e.Message);
    }

    [Fact]
    public void A_NaN_row_is_rejected_naming_the_column_and_row()
    {
        var ml = new MLContext(seed: 1);
        double[] series = MackeyGlass.Generate(300);
        series[211] = double.NaN;
        IDataView data = ml.Data.LoadFromEnumerable(series.Select(v => new Step { Value = (float)v }));
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.EchoStateForecaster().Fit(data));
        output.WriteLine(e.Message);
        Assert.StartsWith("Column 'Value', row 211: holds NaN; every step must be a finite number", e.Message);
    }

    [Fact]
    public void A_series_shorter_than_the_washout_is_rejected_with_the_rows_needed()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.EchoStateForecaster(washout: 100).Fit(MackeyGlassView(ml, 80)));
        output.WriteLine(e.Message);
        Assert.StartsWith("'Washout' was 100; column 'Value' has 80 rows; EchoStateForecaster needs at least washout + 2 rows (102)", e.Message);
    }

    [Fact]
    public void A_spectral_radius_of_zero_is_rejected_when_the_estimator_is_made()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.EchoStateForecaster(spectralRadius: 0));
        Assert.StartsWith("'SpectralRadius' was 0; it must be a finite positive number", e.Message);
    }

    [Fact]
    public void Saved_model_loads_and_forecasts_identically_in_a_child_process()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = MackeyGlassView(ml, 500);
        ITransformer model = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 4)).Fit(train);
        IDataView test = MackeyGlassView(ml, 300);
        float[][] expected = ml.Data.CreateEnumerable<ForecastRow>(model.Transform(test), reuseRowObject: false).Select(r => r.Forecast).ToArray();

        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-esn-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);
            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            Assert.Contains("MLNet.Recurrent.EchoState.EchoStateForecastTransformer", stdout);
            float[][] actual = new MLContext().Data.CreateEnumerable<ForecastRow>(new MLContext().Data.LoadFromBinary(outputPath), reuseRowObject: false)
                .Select(r => r.Forecast).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++) Assert.Equal(expected[r], actual[r]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Reading_rows_out_of_order_is_refused_rather_than_answered_wrongly()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = MackeyGlassView(ml, 400);
        var model = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 1)).Fit(data);
        IDataView scored = model.Transform(data);
        using DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Forecast"]);
        VBuffer<float> value = default;
        cursor.MoveNext();
        getter(ref value);
        cursor.MoveNext();
        cursor.MoveNext(); // row 1 skipped
        var e = Assert.Throws<InvalidOperationException>(() => getter(ref value));
        output.WriteLine(e.Message);
        Assert.StartsWith("Column 'Forecast', row 2: the forecast was asked after row 0", e.Message);
    }

    [Fact]
    public void A_prediction_engine_carries_the_reservoir_from_one_Predict_to_the_next()
    {
        var ml = new MLContext(seed: 1);
        double[] series = MackeyGlass.Generate(400);
        var model = ml.Transforms.Recurrent.EchoStateForecaster(Options(horizon: 3)).Fit(MackeyGlassView(ml, 400));
        var engine = ml.Model.CreatePredictionEngine<Step, ForecastRow>(model);
        var direct = model.Forecaster;
        var state = direct.CreateState();
        for (int t = 0; t < 150; t++)
        {
            float[] predicted = engine.Predict(new Step { Value = (float)series[t] }).Forecast;
            direct.Observe(state, [(float)series[t]]);
            Assert.Equal(direct.Forecast(state, 3).Select(v => (float)v).ToArray(), predicted);
        }
    }

    private sealed class ForecastRow
    {
        public float[] Forecast { get; set; } = [];
    }
}
