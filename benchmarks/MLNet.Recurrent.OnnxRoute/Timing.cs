using System.Diagnostics;

namespace MLNet.Recurrent.OnnxRoute;

/// <summary>The measuring loops of torch_rnn_bench.py, so both sides count time the same way.</summary>
internal static class Timing
{
    /// <summary>
    /// torch_rnn_bench.timeit: <paramref name="warmup"/> untimed calls, then timed calls until at least
    /// <paramref name="reps"/> calls and <paramref name="minTime"/> seconds, at most <paramref name="maxReps"/>.
    /// </summary>
    public static (double MedianSeconds, int Count) Throughput(Action call, int warmup, int reps, double minTime, int maxReps)
    {
        for (int i = 0; i < warmup; i++) call();
        var times = new List<double>();
        long start = Stopwatch.GetTimestamp();
        while ((times.Count < reps || Stopwatch.GetElapsedTime(start).TotalSeconds < minTime) && times.Count < maxReps)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return (Median(times), times.Count);
    }

    /// <summary>torch_rnn_bench.run_latency: a fixed number of timed calls after a warm-up; median, p90 and min in ms.</summary>
    public static LatencyStats Latency(Action call, int warmup, int reps)
    {
        for (int i = 0; i < warmup; i++) call();
        var ms = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(ms);
        // Same indices as the Python script: ts[len // 2], ts[int(len * 0.9)].
        return new LatencyStats(ms[reps / 2], ms[(int)(reps * 0.9)], ms[0], reps);
    }

    static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : 0.5 * (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]);
}
