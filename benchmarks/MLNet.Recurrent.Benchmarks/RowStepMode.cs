using System.Diagnostics;
using System.Globalization;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- rowstep [ROUNDS]</c>: latency e (the classifier at B = 1, T 100, LSTM 128) with its one-row steps split between
/// 2 threads by hidden units (the fused step, <see cref="RecurrentStepJob"/>) against the same steps on the calling
/// thread (the two-stage step: the row kernel, then the cell), and on 1 thread, in one process: each round times 30 calls
/// of each in turn, so the machine's load moves all three alike. Prints per-mode median, 25th percentile and minimum
/// milliseconds per call, and the per-round ratio calling thread / split (above 1: splitting is faster). The modes give
/// the same bits.
/// </summary>
internal static class RowStepMode
{
    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        const int calls = 30;
        using var workload = new RecurrentWorkload(RecurrentConfig.E);
        string[] names = ["split, 2 threads", "caller, 2 threads", "1 thread"];
        var times = new List<double>[] { [], [], [] };
        int saved = ComputeSettings.MaxThreads;
        try
        {
            for (int round = -10; round < rounds; round++)
            {
                for (int mode = 0; mode < 3; mode++)
                {
                    ComputeSettings.MaxThreads = mode == 2 ? 1 : 2;
                    RecurrentStepJob.DisabledOnThisThread = mode == 1;
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < calls; i++) workload.Infer();
                    // The first rounds warm the JIT and the caches; they are not kept.
                    if (round >= 0) times[mode].Add(clock.Elapsed.TotalMilliseconds / calls);
                }
            }
        }
        finally
        {
            ComputeSettings.MaxThreads = saved;
            RecurrentStepJob.DisabledOnThisThread = false;
        }

        Console.WriteLine($"latency e (B 1, T 100, LSTM 128); {rounds} rounds of {calls} calls per mode; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        for (int mode = 0; mode < 3; mode++)
        {
            double[] sorted = [.. times[mode].Order()];
            Console.WriteLine($"  {names[mode],-17} median {sorted[sorted.Length / 2],8:F3} ms   p25 {sorted[sorted.Length / 4],8:F3}   min {sorted[0],8:F3}");
        }
        double[] ratios = [.. Enumerable.Range(0, rounds).Select(r => times[1][r] / times[0][r]).Order()];
        Console.WriteLine($"  caller / split per round: median {ratios[rounds / 2]:F3} [{ratios[0]:F3}-{ratios[^1]:F3}]");
        return 0;
    }
}
