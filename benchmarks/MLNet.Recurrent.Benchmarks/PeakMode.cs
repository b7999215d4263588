using System.Diagnostics;
using System.Globalization;
using System.Text;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- peak [--threads N] [--json FILE]</c>: the machine's FMA peak for each vector width it has (1 thread and N
/// threads) and our GEMM as a fraction of it: the 1024^3 square product (packing included) and the two recurrent step
/// shapes of the performance issue, B packed once as the layers do (32x256 by 256x1024, 32x128 by 128x512). Every
/// GEMM figure is the median of 9 timed trials after warm-up, with the minimum and maximum beside it, and each trial
/// also runs an FMA-peak trial just before it, for the fraction of peak the two give when measured in turn.
/// </summary>
internal static class PeakMode
{
    private static readonly GemmShape[] Shapes =
    [
        new(1024, 1024, 1024, false),
        new(32, 1024, 256, true),
        new(32, 512, 128, true),
    ];

    public static int Run(string[] args)
    {
        int threads = Environment.ProcessorCount;
        string json = "";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": json = args[++i]; break;
                default: throw new ArgumentException($"'{args[i]}' is not an option of 'peak'; expected --threads, --json.");
            }
        }
        var entries = new List<string>();
        foreach (int width in new[] { 256, 512 })
        {
            if (!FmaPeak.IsSupported(width))
            {
                Console.WriteLine($"{width}-bit: not supported on this machine (or disabled, e.g. DOTNET_EnableAVX512=0)");
                continue;
            }
            double peak1 = FmaPeak.Measure(width, 1), peakN = FmaPeak.Measure(width, threads);
            Console.WriteLine($"{width}-bit FMA peak: {peak1:F1} GFLOP/s on 1 thread, {peakN:F1} on {threads} threads");
            var kernel = width == 512 ? GemmKernel.Vector512 : GemmKernel.Vector256;
            var gemm = new List<string>();
            foreach (var shape in Shapes)
            {
                var m = MeasureGemm(kernel, width, threads, shape);
                Console.WriteLine(
                    $"  GEMM {shape,-24} {kernel,-10} t={threads}: median {m.Median,6:F1} GFLOP/s ({m.Median / peakN:P0} of peak), min {m.Min:F1}, max {m.Max:F1}; "
                    + $"in turn with the peak: {m.Fractions[m.Fractions.Length / 2]:P0} [{m.Fractions[0]:P0}-{m.Fractions[^1]:P0}]");
                gemm.Add($"{{ \"shape\": \"{shape}\", \"median_gflops\": {N(m.Median)}, \"min_gflops\": {N(m.Min)}, \"max_gflops\": {N(m.Max)}, \"fraction_of_peak\": {N(m.Median / peakN)}, "
                    + $"\"fraction_in_turn_median\": {N(m.Fractions[m.Fractions.Length / 2])}, \"fraction_in_turn_min\": {N(m.Fractions[0])}, \"fraction_in_turn_max\": {N(m.Fractions[^1])} }}");
            }
            entries.Add($"    \"{width}\": {{ \"peak_1thread_gflops\": {N(peak1)}, \"peak_gflops\": {N(peakN)}, \"gemm\": [\n      {string.Join(",\n      ", gemm)}\n    ] }}");
        }
        if (json.Length > 0)
        {
            var text = new StringBuilder();
            text.Append($"{{\n  \"threads\": {threads},\n  \"widths\": {{\n{string.Join(",\n", entries)}\n  }}\n}}\n");
            File.WriteAllText(json, text.ToString());
        }
        return 0;
    }

    /// <summary>
    /// Min, median and max GFLOP/s over 9 trials, each long enough (about 0.2 s) to swamp timer noise, and per trial the
    /// GEMM's rate over the rate of an FMA-peak trial (about 0.2 s) run just before it, sorted: on a shared machine whose
    /// speed moves from one second to the next, the two then meet the same conditions, where the best peak of earlier
    /// trials and a median GEMM need not.
    /// </summary>
    private static (double Min, double Median, double Max, double[] Fractions) MeasureGemm(GemmKernel kernel, int width, int threads, GemmShape shape)
    {
        var rng = new Random(1);
        float[] a = GemmBenchmarks.Fill(shape.M * shape.K, rng), b = GemmBenchmarks.Fill(shape.K * shape.N, rng);
        var c = new float[shape.M * shape.N];
        int ldb = shape.TransposeB ? shape.K : shape.N;
        Action run;
        if (shape.TransposeB)
        {
            var packed = Gemm.Pack(kernel, shape.TransposeB, shape.K, shape.N, b, ldb);
            run = () => Gemm.Multiply(threads, false, shape.M, 1f, a, shape.K, packed, 0f, c, shape.N);
        }
        else
        {
            run = () => Gemm.MultiplyCore(kernel, threads, false, shape.TransposeB, shape.M, shape.N, shape.K, 1f, a, shape.K, b, ldb, null, 0f, c, shape.N);
        }
        // Warm-up until tiered compilation has settled: at least 1 s of calls.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1) run();
        int reps = Math.Max(1, (int)(0.2 * 2e11 / shape.Flops / 10));
        var rates = new List<double>();
        var fractions = new List<double>();
        for (int trial = 0; trial < 9; trial++)
        {
            double peak = FmaPeak.Measure(width, threads, seconds: 0.2, trials: 1);
            long t0 = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) run();
            double rate = shape.Flops * reps / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
            rates.Add(rate);
            fractions.Add(rate / peak);
        }
        rates.Sort();
        fractions.Sort();
        return (rates[0], rates[rates.Count / 2], rates[^1], [.. fractions]);
    }

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
