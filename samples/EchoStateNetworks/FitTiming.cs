using System.Diagnostics;
using MLNet.Recurrent.Core.Reservoir;

namespace EchoStateNetworksSample;

/// <summary>Fit time and memory of one forecaster on 10^5 Mackey-Glass steps, for 100 to 1,000 units.</summary>
internal static class FitTiming
{
    private const int Steps = 100_000;

    /// <summary>The table: several rounds per size (the machine may be shared), each a fresh fit.</summary>
    /// <param name="sizes">Reservoir sizes; 100, 300, 500 and 1,000 when empty.</param>
    /// <param name="rounds">Fits per size.</param>
    public static void Run(int[] sizes, int rounds = 3)
    {
        double[] series = MackeyGlass.Generate(Steps);
        Console.WriteLine($"Fit on {Steps:N0} Mackey-Glass steps (washout 100, connectivity 0.1), {Environment.ProcessorCount} cores, {rounds} rounds per size");
        Console.WriteLine($"  {"units",6} {"fit (s), each round",24} {"process CPU (s)",16} {"drawing W + radius (s)",23} {"allocated (MB)",15} {"peak working set (MB)",22}  load average");
        foreach (int units in sizes.Length > 0 ? sizes : [100, 300, 500, 1000])
        {
            var times = new List<string>();
            var cpus = new List<string>();
            double draw = 0, mb = 0, radius = 0;
            for (int round = 0; round < rounds; round++)
            {
                var options = Options(units);
                // The one-off part, timed alone: drawing W and estimating its spectral radius (power steps + Arnoldi).
                var drawWatch = Stopwatch.StartNew();
                EchoStateReservoir.Create(options);
                draw = drawWatch.Elapsed.TotalSeconds;
                var (seconds, cpu, allocated, esn) = TimeFit(options, series);
                times.Add($"{seconds:F2}");
                cpus.Add($"{cpu:F1}");
                mb = allocated;
                radius = esn.SpectralRadius;
            }
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"  {units,6} {string.Join(" ", times),24} {string.Join(" ", cpus),16} {draw,23:F3} {mb,15:F0} {process.PeakWorkingSet64 / 1e6,22:F0}  {LoadAverage()}   (radius {radius:F4})");
        }
        Console.WriteLine("  (peak working set: the process's peak so far, sizes in the order run; allocated: managed bytes allocated by one fit)");
    }

    /// <summary>One line: the fit of 1,000 units on 10^5 steps (what the issue asked to take seconds).</summary>
    public static void RunOnce()
    {
        double[] series = MackeyGlass.Generate(Steps);
        var (seconds, cpu, allocated, esn) = TimeFit(Options(1000), series);
        Console.WriteLine($"Fit timing: 1,000 units on {Steps:N0} Mackey-Glass steps took {seconds:F2} s ({cpu:F1} s of CPU on {Environment.ProcessorCount} cores, " +
            $"{allocated:F0} MB allocated; load average {LoadAverage()}; radius reached {esn.SpectralRadius:F4}). The table: --timing.");
    }

    private static EchoStateNetworkOptions Options(int units) =>
        new() { ReservoirSize = units, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 1 };

    private static (double Seconds, double Cpu, double AllocatedMb, EchoStateNetwork Network) TimeFit(EchoStateNetworkOptions options, double[] series)
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var esn = EchoStateNetwork.FitForecaster(options, series);
        watch.Stop();
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
        process.Refresh();
        return (watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu0).TotalSeconds, mb, esn);
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
