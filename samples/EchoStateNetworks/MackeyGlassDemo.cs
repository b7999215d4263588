using MLNet.Recurrent.Core.Reservoir;

namespace EchoStateNetworksSample;

/// <summary>ReservoirPy's README benchmark, then free-running forecasts from the test region.</summary>
internal static class MackeyGlassDemo
{
    public static void Run(string outputDirectory)
    {
        // RK4, step 1, tau 17, a 0.2, b 0.1, n 10, constant history 1.2 (MackeyGlass's documentation).
        double[] series = MackeyGlass.Generate(2000);
        const int Train = 1600;
        var options = new EchoStateNetworkOptions { ReservoirSize = 100, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 42 };
        var esn = EchoStateNetwork.FitForecaster(options, series.AsSpan(0, Train));
        var state = esn.CreateState();
        double[] predicted = esn.Run(state, series.AsSpan(0, series.Length - 1));
        double sse = 0, mean = series.Skip(Train + 1).Average(), sst = 0;
        for (int t = Train; t < series.Length - 1; t++)
        {
            sse += Math.Pow(predicted[t] - series[t + 1], 2);
            sst += Math.Pow(series[t + 1] - mean, 2);
        }
        int n = series.Length - 1 - Train;
        Console.WriteLine("Mackey-Glass (tau 17), 2,000 steps, last 20% as test; 100 units, radius 1.25, leak 0.3, ridge 1e-5, washout 100");
        Console.WriteLine($"  spectral radius reached {esn.SpectralRadius:F6}; readout solved on {esn.TrainingRows} rows");
        Console.WriteLine($"  one step ahead on {n} test steps: RMSE {Math.Sqrt(sse / n):F5}, R^2 {1 - sse / sst:F6}   (ReservoirPy: RMSE 0.0020, R^2 0.9999)");

        // Free running: from every 10th test step, forecast 100 steps with the outputs fed back.
        int[] horizons = [1, 2, 5, 10, 20, 50, 100];
        var squared = new double[100];
        int starts = 0;
        var walk = esn.CreateState();
        for (int t = 0; t + 100 < series.Length; t++)
        {
            esn.Step(walk, [series[t]], new double[1]);
            if (t < Train || (t - Train) % 10 != 0) continue;
            double[] f = esn.Forecast(walk, 100);
            for (int h = 0; h < 100; h++) squared[h] += Math.Pow(f[h] - series[t + 1 + h], 2);
            starts++;
        }
        Console.WriteLine($"  free running from {starts} test starts (every 10th step): RMSE by horizon");
        Console.WriteLine("    horizon " + string.Join("", horizons.Select(h => $"{h,9}")));
        Console.WriteLine("    RMSE    " + string.Join("", horizons.Select(h => $"{Math.Sqrt(squared[h - 1] / starts),9:F5}")));

        // The figure: 300 steps free running from the first test step against the truth.
        var plotState = esn.CreateState();
        esn.Run(plotState, series.AsSpan(0, Train));
        double[] run = esn.Forecast(plotState, 399);
        var plot = new ScottPlot.Plot();
        double[] xs = Enumerable.Range(Train, 399).Select(i => (double)i).ToArray();
        var truth = plot.Add.Scatter(xs, series.Skip(Train).Take(399).ToArray());
        truth.LegendText = "Mackey-Glass";
        truth.MarkerSize = 0;
        var free = plot.Add.Scatter(xs, run);
        free.LegendText = "ESN, free running from step 1600";
        free.MarkerSize = 0;
        plot.Title("Echo state network (100 units) forecasting Mackey-Glass with its own output");
        plot.XLabel("step");
        plot.ShowLegend();
        string png = Path.Combine(outputDirectory, "mackey_glass_free_running.png");
        plot.SavePng(png, 1000, 420);

        var errorPlot = new ScottPlot.Plot();
        var e = errorPlot.Add.Scatter(Enumerable.Range(1, 100).Select(h => (double)h).ToArray(), squared.Select(s => Math.Sqrt(s / starts)).ToArray());
        e.MarkerSize = 0;
        errorPlot.Axes.SetLimitsY(0, Math.Sqrt(squared.Max() / starts) * 1.05);
        errorPlot.Title($"Free-running RMSE against horizon ({starts} starts in the test region)");
        errorPlot.XLabel("horizon (steps)");
        errorPlot.YLabel("RMSE");
        string errorPng = Path.Combine(outputDirectory, "mackey_glass_rmse_by_horizon.png");
        errorPlot.SavePng(errorPng, 800, 420);
        Console.WriteLine($"  wrote {png} and {errorPng}");
    }
}
