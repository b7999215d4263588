using System.Diagnostics;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// Times three ways of running one call in the same process, in turn: each round sets a mode and times
/// <c>calls</c> calls of it, for every mode, so the machine's load moves all modes alike (<see cref="SplitMode"/>,
/// <see cref="RowStepMode"/>). Mode 0 and mode 1 are the two being compared, on 2 threads, mode 1 with the caller's
/// switch on; mode 2 is one thread.
/// </summary>
internal static class InTurnModes
{
    /// <summary>
    /// Runs <paramref name="warmRounds"/> rounds that are not kept, then <paramref name="rounds"/> kept ones; returns each
    /// mode's milliseconds per call, one per kept round. <paramref name="switchMode1"/> turns the compared path on (mode
    /// 1) or off; it is off, and the thread limit restored, at the end, whatever happens.
    /// </summary>
    public static List<double>[] Measure(int rounds, int warmRounds, int calls, Action<bool> switchMode1, Action call)
    {
        var times = new List<double>[] { [], [], [] };
        int saved = ComputeSettings.MaxThreads;
        try
        {
            for (int round = -warmRounds; round < rounds; round++)
            {
                for (int mode = 0; mode < 3; mode++)
                {
                    ComputeSettings.MaxThreads = mode == 2 ? 1 : 2;
                    switchMode1(mode == 1);
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < calls; i++) call();
                    // The first rounds warm the JIT and the caches; they are not kept.
                    if (round >= 0) times[mode].Add(clock.Elapsed.TotalMilliseconds / calls);
                }
            }
        }
        finally
        {
            ComputeSettings.MaxThreads = saved;
            switchMode1(false);
        }
        return times;
    }

    /// <summary>
    /// Prints each mode's median, 25th percentile and minimum, then the per-round ratio mode 1 / mode 0 (median
    /// [min-max]) labelled <paramref name="ratioName"/>.
    /// </summary>
    public static void Print(List<double>[] times, string[] names, string ratioName)
    {
        for (int mode = 0; mode < times.Length; mode++)
        {
            double[] sorted = [.. times[mode].Order()];
            Console.WriteLine($"  {names[mode],-17} median {sorted[sorted.Length / 2],8:F3} ms   p25 {sorted[sorted.Length / 4],8:F3}   min {sorted[0],8:F3}");
        }
        int rounds = times[0].Count;
        double[] ratios = [.. Enumerable.Range(0, rounds).Select(r => times[1][r] / times[0][r]).Order()];
        Console.WriteLine($"  {ratioName} per round: median {ratios[rounds / 2]:F3} [{ratios[0]:F3}-{ratios[^1]:F3}]");
    }
}
