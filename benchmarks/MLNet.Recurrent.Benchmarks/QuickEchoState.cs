using System.Diagnostics;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Reservoir.Internals;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// A Stopwatch loop for development: the parts of an echo state network fit on 10^5 steps (drawing W and estimating its
/// spectral radius, the reservoir steps alone, each half of W's rows stepped alone, the whole fit with the step split
/// over threads and pipelined, side by side in two rounds, the readout's block products alone, the whole fit), with the process's
/// CPU time beside the wall time so a loaded machine shows as wall >> CPU.
/// </summary>
internal static class QuickEchoState
{
    public static void Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [100, 300, 1000];
        int threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
        const int Steps = 100_000;
        double[] series = MackeyGlass.Generate(Steps);
        Console.WriteLine($"{Steps:N0} steps, {threads} threads of {Environment.ProcessorCount} cores; times are wall (process CPU) seconds");
        using var scope = ComputeSettings.UseThreads(threads);
        foreach (int units in sizes)
        {
            var options = EchoStateBenchmarks.Options(units);
            var (draw, drawCpu) = Time(() => EchoStateReservoir.Create(options));
            var reservoir = EchoStateReservoir.Create(options);
            var x = new double[units];
            var scratch = new double[units];
            var (run, runCpu) = Time(() =>
            {
                for (int t = 0; t < Steps; t++) reservoir.Update(x, series.AsSpan(t, 1), [], scratch);
            });
            // The step split in two: each half of W's rows stepped alone on this thread (what each core does per step).
            var parts = reservoir.Parts(2);
            var next = new double[units];
            var halves = new List<string>();
            foreach (var part in parts)
            {
                var (half, halfCpu) = Time(() =>
                {
                    for (int t = 0; t < Steps; t++) reservoir.UpdateRows(part, x, next, series.AsSpan(t, 1), [], scratch);
                });
                halves.Add($"{half:F2} ({halfCpu:F2})");
            }
            var z = new double[options.ReadoutFeatures];
            var y = new double[1];
            for (int i = 0; i < z.Length; i++) z[i] = Math.Sin(i);
            var (gram, gramCpu) = Time(() =>
            {
                var accumulator = new RidgeAccumulator(options.ReadoutFeatures, 1);
                for (int t = 0; t < Steps; t++) accumulator.Add(z, y);
                accumulator.Complete();
            });
            for (int round = 0; round < 2; round++)
                foreach (bool split in new[] { true, false })
                {
                    SplitStepCollector.Disabled = !split;
                    var (f, fc) = Time(() => EchoStateNetwork.FitForecaster(options, series));
                    Console.WriteLine($"  fit, {(split ? "split step" : "pipelined")}: {f:F2} ({fc:F2}) load {LoadAverage()}");
                }
            SplitStepCollector.Disabled = false;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            EchoStateNetwork? esn = null;
            var (fit, fitCpu) = Time(() => esn = EchoStateNetwork.FitForecaster(options, series));
            double mb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
            double gflops = 2.0 * options.ReadoutFeatures * options.ReadoutFeatures / 2 * Steps / 1e9;
            Console.WriteLine($"{units,5} units: draw + radius {draw:F3} ({drawCpu:F3})  reservoir {run:F2} ({runCpu:F2}), halves alone {string.Join(" + ", halves)}  " +
                $"normal equations {gram:F2} ({gramCpu:F2}, {gflops / gram:F1} GFLOP/s)  fit {fit:F2} ({fitCpu:F2}), {mb:F1} MB allocated; " +
                $"radius change {reservoir.SpectralRadiusChange:E1}, load {LoadAverage()}");
        }
    }

    private static (double Wall, double Cpu) Time(Action action)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    internal static string LoadAverage()
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
