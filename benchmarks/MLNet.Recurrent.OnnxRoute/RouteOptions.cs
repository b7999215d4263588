using System.Globalization;

namespace MLNet.Recurrent.OnnxRoute;

/// <summary>Command line of the ONNX route; timing options carry the names and defaults of torch_rnn_bench.py.</summary>
internal sealed class RouteOptions
{
    public string Models { get; private set; } = "out/compare/onnx";
    public string? Json { get; private set; }
    public int Threads { get; private set; } = 2;
    public int Warmup { get; private set; } = 3;
    public int Reps { get; private set; } = 10;
    public double MinTime { get; private set; } = 5.0;
    public int MaxReps { get; private set; } = 200;
    public int LatencyReps { get; private set; } = 300;

    public const string Usage =
        "usage: MLNet.Recurrent.OnnxRoute [--models DIR] [--json FILE] [--threads 2] [--warmup 3] [--reps 10]\n" +
        "       [--min-time 5] [--max-reps 200] [--latency-reps 300] [--quick]\n" +
        "  DIR holds what benchmarks/compare/export_onnx.py wrote (manifest.json and the .onnx files).";

    public static RouteOptions Parse(string[] args)
    {
        var o = new RouteOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--quick")
            {
                // Same shortening as run.py --quick passes to the PyTorch script.
                o.Warmup = 2; o.Reps = 3; o.MinTime = 1.0; o.LatencyReps = 100;
                continue;
            }
            if (i + 1 >= args.Length)
                throw new ArgumentException($"'{name}' needs a value.\n{Usage}");
            string value = args[++i];
            switch (name)
            {
                case "--models": o.Models = value; break;
                case "--json": o.Json = value; break;
                case "--threads": o.Threads = PositiveInt(name, value); break;
                case "--warmup": o.Warmup = PositiveInt(name, value); break;
                case "--reps": o.Reps = PositiveInt(name, value); break;
                case "--max-reps": o.MaxReps = PositiveInt(name, value); break;
                case "--latency-reps": o.LatencyReps = PositiveInt(name, value); break;
                case "--min-time":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || t < 0)
                        throw new ArgumentException($"'{name}' was '{value}'; it must be a non-negative number of seconds.");
                    o.MinTime = t;
                    break;
                default: throw new ArgumentException($"'{name}' is not an option.\n{Usage}");
            }
        }
        return o;
    }

    static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new ArgumentException($"'{name}' was '{value}'; it must be a positive integer.");
}
