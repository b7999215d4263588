using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.EchoState;

namespace EchoStateNetworksSample;

/// <summary>
/// The sensor network's humidity and temperature (one reading every 5 s per mote), forecast k readings ahead with
/// mlContext.Transforms.Recurrent.EchoStateForecaster, one model per mote fitted on its first 80%, against
/// persistence (the last reading) and seasonal naive (the reading one season of 60 readings, 5 minutes, earlier).
/// Readings the data set labels as introduced events (label 1: bursts of heat and humidity, all in the fitting parts)
/// are replaced by the last normal reading before fitting, so the model learns the motes' normal behaviour.
/// </summary>
internal static class SensorDemo
{
    private const int Season = 60;
    private static readonly int[] s_horizons = [1, 6, 12, 60, 120];

    private sealed class Reading
    {
        [VectorType(2)]
        public float[] Value { get; set; } = [];
    }

    private sealed class Forecast
    {
        public float[] Forecasts { get; set; } = [];
    }

    public static void Run(string csv)
    {
        var motes = File.ReadLines(csv).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Reading: int.Parse(f[0], CultureInfo.InvariantCulture), Mote: int.Parse(f[1], CultureInfo.InvariantCulture),
                Humidity: float.Parse(f[3], CultureInfo.InvariantCulture), Temperature: float.Parse(f[4], CultureInfo.InvariantCulture),
                Event: f[5] == "1"))
            .GroupBy(r => r.Mote).OrderBy(g => g.Key)
            .Select(g => (Mote: g.Key, Rows: g.OrderBy(r => r.Reading).ToArray()))
            .ToArray();
        var events = motes.ToDictionary(m => m.Mote, m => m.Rows.Select(r => r.Event).ToArray());
        var series = motes.Select(m => (m.Mote, Rows: m.Rows.Select(r => new[] { r.Humidity, r.Temperature }).ToArray())).ToArray();
        int maxH = s_horizons.Max();
        var ml = new MLContext(seed: 1);
        // [model][horizon][quantity]: sums of squared errors over every mote's test readings.
        var sse = new double[3, s_horizons.Length, 2];
        var counts = new long[s_horizons.Length];
        Console.WriteLine($"Sensor network (data/sensor_network/single_hop.csv): {motes.Length} motes, one reading every 5 s; per mote, fit on the first 80%, test on the rest");
        foreach (var (mote, rows) in series)
        {
            int train = (int)(rows.Length * 0.8);
            IDataView trainView = ml.Data.LoadFromEnumerable(WithoutEvents(rows.Take(train), events[mote]).Select(v => new Reading { Value = v }));
            var model = ml.Transforms.Recurrent.EchoStateForecaster(new EchoStateForecaster.Options
            {
                InputColumnName = "Value", OutputColumnName = "Forecasts", Horizon = maxH,
                ReservoirSize = 200, SpectralRadius = 0.9, LeakRate = 0.3, Ridge = 1, Washout = 100, Seed = 1,
                Differencing = true, ReadoutIncludesInput = false,
            }).Fit(trainView);
            // The whole series through the fitted model: the reservoir warms up on the training part and carries on.
            IDataView all = ml.Data.LoadFromEnumerable(rows.Select(v => new Reading { Value = v }));
            float[][] forecasts = ml.Data.CreateEnumerable<Forecast>(model.Transform(all), reuseRowObject: false).Select(f => f.Forecasts).ToArray();
            var moteSse = new double[2];
            int moteCount = 0;
            for (int t = train; t + 1 < rows.Length; t++, moteCount++)
                for (int q = 0; q < 2; q++) moteSse[q] += Sq(forecasts[t][q] - rows[t + 1][q]);
            for (int t = train; t < rows.Length; t++)
                for (int i = 0; i < s_horizons.Length; i++)
                {
                    int k = s_horizons[i];
                    if (t + k >= rows.Length) continue;
                    int seasonal = t + k - Season * ((k + Season - 1) / Season);
                    for (int q = 0; q < 2; q++)
                    {
                        double truth = rows[t + k][q];
                        sse[0, i, q] += Sq(forecasts[t][(k - 1) * 2 + q] - truth);
                        sse[1, i, q] += Sq(rows[t][q] - truth);
                        sse[2, i, q] += Sq(rows[seasonal][q] - truth);
                    }
                    counts[i]++;
                }
            Console.WriteLine($"  mote {mote}: {rows.Length} readings, {train} to fit ({events[mote].Take(train).Count(e => e)} event readings replaced); spectral radius {model.SpectralRadius:F4}; one reading ahead, RMSE humidity {Math.Sqrt(moteSse[0] / moteCount):F4}, temperature {Math.Sqrt(moteSse[1] / moteCount):F4}");
        }
        string[] names = ["humidity (%)", "temperature (C)"];
        for (int q = 0; q < 2; q++)
        {
            Console.WriteLine($"  {names[q]}, RMSE over all motes' test readings, by readings ahead (5 s each):");
            Console.WriteLine($"    {"k",5} {"ESN",10} {"persistence",12} {"seasonal-naive",15}");
            for (int i = 0; i < s_horizons.Length; i++)
                Console.WriteLine($"    {s_horizons[i],5} {Math.Sqrt(sse[0, i, q] / counts[i]),10:F4} {Math.Sqrt(sse[1, i, q] / counts[i]),12:F4} {Math.Sqrt(sse[2, i, q] / counts[i]),15:F4}");
        }
    }

    private static IEnumerable<float[]> WithoutEvents(IEnumerable<float[]> rows, bool[] isEvent)
    {
        float[]? normal = null;
        int t = 0;
        foreach (float[] row in rows)
        {
            if (!isEvent[t++] || normal is null) normal = row;
            yield return normal;
        }
    }

    private static double Sq(double x) => x * x;
}
