using System.Globalization;
using MLNet.Recurrent.Core.Layers.Internals;

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
        var times = InTurnModes.Measure(rounds, 10, calls, on => RecurrentStepJob.DisabledOnThisThread = on, workload.Infer);

        Console.WriteLine($"latency e (B 1, T 100, LSTM 128); {rounds} rounds of {calls} calls per mode; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        InTurnModes.Print(times, ["split, 2 threads", "caller, 2 threads", "1 thread"], "caller / split");
        return 0;
    }
}
