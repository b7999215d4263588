using System.Diagnostics;
using MLNet.Recurrent.Core.Reservoir;

namespace EchoStateNetworksSample;

/// <summary>Fit time and memory of one forecaster on 10^5 Mackey-Glass steps, for 100 to 1,000 units.</summary>
internal static class FitTiming
{
    public static void Run()
    {
        double[] series = MackeyGlass.Generate(100_000);
        Console.WriteLine($"Fit on 100,000 Mackey-Glass steps (washout 100, connectivity 0.1), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine($"  {"units",6} {"fit (s)",8} {"of which reservoir draw + eigenvalues (s)",42} {"allocated (MB)",15} {"peak working set (MB)",22}");
        foreach (int units in (int[])[100, 200, 500, 1000])
        {
            var options = new EchoStateNetworkOptions { ReservoirSize = units, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 1 };
            // The one-off part, timed alone: drawing W and measuring its spectral radius (MathNet's eigenvalues, O(N^3)).
            var draw = Stopwatch.StartNew();
            EchoStateReservoir.Create(options);
            draw.Stop();
            GC.Collect();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var esn = EchoStateNetwork.FitForecaster(options, series);
            watch.Stop();
            double mb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"  {units,6} {watch.Elapsed.TotalSeconds,8:F1} {draw.Elapsed.TotalSeconds,42:F1} {mb,15:F0} {process.PeakWorkingSet64 / 1e6,22:F0}   (radius {esn.SpectralRadius:F4})");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
