using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- cpu CONFIGS MODES [SECONDS]</c> (e.g. <c>cpu a,d infer,train 3</c>): tokens/s of each configuration on ONE
/// thread, timed by the thread's own CPU clock (<c>CLOCK_THREAD_CPUTIME_ID</c>), median over calls after 2 s of
/// warm-up. Time the scheduler gives to other processes is not counted, so on a shared, loaded machine this moves by
/// a few percent where wall-clock figures move by 30-50 %: it is the A/B measure of a code change (what
/// <c>compare/ab_cpu.sh</c> runs), not a throughput figure to compare with other engines, and it cannot show gains
/// that come from using the second thread. Linux only. Prints <c>config mode tok/s</c> lines.
/// </summary>
internal static class CpuTimeMode
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: cpu CONFIGS MODES [SECONDS], e.g. cpu a,d infer,train 3");
            return 2;
        }
        double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        ComputeSettings.MaxThreads = 1;
        foreach (string id in args[0].Split(','))
        {
            using var workload = new RecurrentWorkload(RecurrentConfig.Get(id));
            foreach (string mode in args[1].Split(','))
            {
                Action step = mode switch
                {
                    "infer" => workload.Infer,
                    "train" => () => workload.TrainStep(),
                    _ => throw new ArgumentException($"'mode' was '{mode}'; it must be infer or train.", nameof(args)),
                };
                double ms = MedianMs(step, seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id} {mode} {workload.Config.Tokens / ms * 1000:F0}"));
            }
        }
        return 0;
    }

    private static double MedianMs(Action step, double seconds)
    {
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed.TotalSeconds < 2) step();
        var times = new List<double>();
        wall.Restart();
        while (wall.Elapsed.TotalSeconds < seconds || times.Count < 10)
        {
            double start = ThreadMs();
            step();
            times.Add(ThreadMs() - start);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private const int ThreadCpuTimeClock = 3;

    private static double ThreadMs()
    {
        ClockGetTime(ThreadCpuTimeClock, out var t);
        return t.Seconds * 1000.0 + t.Nanoseconds / 1e6;
    }
}
