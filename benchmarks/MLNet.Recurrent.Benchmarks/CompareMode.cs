using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// The plain-console mode the compare harness (<c>benchmarks/compare</c>) runs:
/// <c>--configs a,b,c,d,f,e,stream --threads 2 --json FILE [--quick]</c>. Each measurement follows
/// <c>torch_rnn_bench.timeit</c> (at least 10 timed calls and at least 5 s, 1 s with <c>--quick</c>, at most 200; the
/// median is reported), after a warm-up that lasts until the timing is stable: windows of at least 0.25 s are timed
/// until two in a row have medians within 5% of each other, at least 1 s in all (at most 20 s), so tiered
/// compilation and on-stack replacement have finished before anything is measured. <c>--quick</c> keeps the old
/// 3 warm-up calls. Latency e: the same warm-up, then 300 timed (100 quick); stream: the same, then at least 1000 timed.
/// </summary>
internal static class CompareMode
{
    public static int Run(string[] args)
    {
        string configs = "a,b,c,d,f,e,stream", json = "";
        int threads = Environment.ProcessorCount;
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--configs": configs = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": json = args[++i]; break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"'{args[i]}' is not an option; expected --configs, --threads, --json, --quick.");
            }
        }
        ComputeSettings.MaxThreads = threads;
        double minSeconds = quick ? 1.0 : 5.0;
        var results = new StringBuilder();
        var configEntries = new List<string>();
        string? eMs = null, eP90 = null, streamMs = null, streamP90 = null;
        foreach (string id in configs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (id == "e")
            {
                using var w = new RecurrentWorkload(RecurrentConfig.E);
                if (!quick) WarmUntilStable(w.Infer);
                var (median, p90) = Latency(w.Infer, 20, quick ? 100 : 300);
                Console.WriteLine($"[e] LSTM cls B=1 T=100 H=128: median {median:F3} ms  p90 {p90:F3} ms");
                (eMs, eP90) = (Number(median), Number(p90));
            }
            else if (id == "stream")
            {
                using var w = new StreamingWorkload();
                if (!quick) WarmUntilStable(() => w.Step());
                var (median, p90) = Latency(() => w.Step(), 50, 1000, minSeconds: quick ? 0.3 : 1.0);
                Console.WriteLine($"[stream] config-a step B=1: median {median:F4} ms  p90 {p90:F4} ms");
                (streamMs, streamP90) = (Number(median), Number(p90));
            }
            else
            {
                var config = RecurrentConfig.Get(id);
                using var w = new RecurrentWorkload(config);
                double train = TimeIt(() => w.TrainStep(), minSeconds, quick);
                double infer = TimeIt(w.Infer, minSeconds, quick);
                Console.WriteLine($"[{id}] train {train * 1e3:F2} ms/step {config.Tokens / train:N0} tok/s   infer {infer * 1e3:F2} ms {config.Tokens / infer:N0} tok/s");
                configEntries.Add($"    \"{id}\": {{ \"train_tok_s\": {Number(config.Tokens / train)}, \"infer_tok_s\": {Number(config.Tokens / infer)} }}");
            }
        }
        if (json.Length > 0)
        {
            string version = typeof(Core.Numerics.Gemm).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            results.Append("{\n  \"engine\": \"ours\",\n");
            results.Append($"  \"version\": \"MLNet.Recurrent {version}\",\n  \"threads\": {threads},\n");
            results.Append("  \"configs\": {\n").Append(string.Join(",\n", configEntries)).Append("\n  },\n");
            results.Append($"  \"e_ms\": {eMs ?? "null"},\n  \"e_p90_ms\": {eP90 ?? "null"},\n");
            results.Append($"  \"stream_step_ms\": {streamMs ?? "null"},\n  \"stream_step_p90_ms\": {streamP90 ?? "null"}\n}}\n");
            File.WriteAllText(json, results.ToString());
        }
        return 0;
    }

    /// <summary>torch_rnn_bench.timeit: the median seconds of one call.</summary>
    private static double TimeIt(Action call, double minSeconds, bool quick)
    {
        if (quick) for (int i = 0; i < 3; i++) call();
        else WarmUntilStable(call);
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while ((times.Count < 10 || total.Elapsed.TotalSeconds < minSeconds) && times.Count < 200)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// Calls <paramref name="call"/> in windows of at least 0.25 s (and 3 calls) until two consecutive windows' median
    /// call times agree within 5%, after at least 1 s; gives up after 20 s (the machine is too noisy to settle) and says so.
    /// </summary>
    private static void WarmUntilStable(Action call)
    {
        var total = Stopwatch.StartNew();
        double previous = double.NaN;
        var times = new List<double>();
        while (total.Elapsed.TotalSeconds < 20)
        {
            times.Clear();
            var window = Stopwatch.StartNew();
            while (times.Count < 3 || window.Elapsed.TotalSeconds < 0.25)
            {
                long start = Stopwatch.GetTimestamp();
                call();
                times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            times.Sort();
            double median = times[times.Count / 2];
            if (total.Elapsed.TotalSeconds >= 1 && Math.Abs(median - previous) <= 0.05 * previous) return;
            previous = median;
        }
        Console.WriteLine($"warning: timing did not settle within 20 s of warm-up (last window median {previous * 1e3:F3} ms)");
    }

    /// <summary>Median and p90 in milliseconds of <paramref name="reps"/> (or more, for at least <paramref name="minSeconds"/>) calls.</summary>
    private static (double Median, double P90) Latency(Action call, int warmup, int reps, double minSeconds = 0)
    {
        for (int i = 0; i < warmup; i++) call();
        var times = new List<double>(reps);
        var total = Stopwatch.StartNew();
        while (times.Count < reps || total.Elapsed.TotalSeconds < minSeconds)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.9)]);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
