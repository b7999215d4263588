using System.Globalization;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- costplot --json out/cost_curves/points.json --png FILE --md FILE</c>: draws the cost curves that
/// <c>benchmarks/compare/cost_curves.py</c> measured (tokens/s against T, H and B, and peak memory against T, for both
/// engines) as one ScottPlot PNG, and writes the table with min-max spreads and the bytes per token of
/// whole-sequence training (the slope of peak memory against B*T over the T sweep).
/// </summary>
internal static class CostPlot
{
    private sealed record Cell(string Engine, int Steps, int Hidden, int Batch, int Chunk,
        double Train, double TrainMin, double TrainMax, double Infer, double InferMin, double InferMax,
        double Peak, double PeakMin, double PeakMax);

    private static readonly (string Key, string Label)[] Sweeps =
    [
        ("steps", "T (steps), H 256, B 32"),
        ("hidden", "H (hidden units), T 64, B 32"),
        ("batch", "B (sequences), T 64, H 256"),
    ];

    public static int Run(string[] args)
    {
        string json = "", png = "", md = "";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--json": json = args[i + 1]; break;
                case "--png": png = args[i + 1]; break;
                case "--md": md = args[i + 1]; break;
                default: throw new ArgumentException($"'{args[i]}' is not an option of 'costplot'; expected --json, --png, --md.");
            }
        }
        if (json.Length == 0 || png.Length == 0 || md.Length == 0)
            throw new ArgumentException("'costplot' needs --json, --png and --md.");
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var info = document.RootElement.GetProperty("info");
        var cells = document.RootElement.GetProperty("summary").EnumerateArray().Select(Read).ToList();
        var engines = cells.Select(c => c.Engine).Distinct().ToList();
        File.WriteAllText(md, Table(info, cells, engines));
        Plot(cells, engines, png);
        Console.WriteLine($"wrote {md} and {png}");
        return 0;
    }

    private static Cell Read(JsonElement e) => new(
        e.GetProperty("engine").GetString()!, e.GetProperty("steps").GetInt32(), e.GetProperty("hidden").GetInt32(),
        e.GetProperty("batch").GetInt32(), e.GetProperty("chunk").GetInt32(),
        D(e, "train_tok_s"), D(e, "train_tok_s_min"), D(e, "train_tok_s_max"),
        D(e, "infer_tok_s"), D(e, "infer_tok_s_min"), D(e, "infer_tok_s_max"),
        D(e, "peak_bytes"), D(e, "peak_bytes_min"), D(e, "peak_bytes_max"));

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static IEnumerable<Cell> Sweep(List<Cell> cells, string engine, string key) => cells
        .Where(c => c.Engine == engine && c.Chunk == 0 && key switch
        {
            "steps" => c.Hidden == 256 && c.Batch == 32,
            "hidden" => c.Steps == 64 && c.Batch == 32,
            _ => c.Steps == 64 && c.Hidden == 256,
        })
        .OrderBy(c => Value(c, key));

    private static int Value(Cell c, string key) => key switch { "steps" => c.Steps, "hidden" => c.Hidden, _ => c.Batch };

    /// <summary>Least-squares slope of peak bytes against tokens (B*T) over the T sweep, per token.</summary>
    private static double BytesPerToken(List<Cell> cells, string engine)
    {
        var points = Sweep(cells, engine, "steps").Select(c => (X: (double)c.Steps * c.Batch, Y: c.Peak)).ToList();
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        return points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
    }

    private static string Table(JsonElement info, List<Cell> cells, List<string> engines)
    {
        var s = new StringBuilder();
        s.AppendLine("# Cost curves: tokens/s and peak memory against T, H and B");
        s.AppendLine();
        s.AppendLine($"- command: `{info.GetProperty("command").GetString()}`; {info.GetProperty("date").GetString()}; commit {info.GetProperty("commit").GetString()}");
        s.AppendLine($"- machine: {info.GetProperty("cpu").GetString()}, {info.GetProperty("logical_cpus").GetInt32()} logical CPUs; " +
                     $"{info.GetProperty("threads").GetInt32()} threads per engine; {info.GetProperty("rounds").GetInt32()} interleaved rounds, " +
                     $"median [min-max]; highest 1-minute load average before a point: {info.GetProperty("max_load").GetDouble():F1}");
        s.AppendLine("- model: character LM, one LSTM layer of H units (V 65, E 64, linear to V at every step); training is a full step " +
                     "(forward, cross-entropy, backward, Adam), inference a forward pass; peak memory is the process's peak resident " +
                     "size above its baseline before the model was built");
        s.AppendLine();
        foreach (string engine in engines)
            s.AppendLine(CultureInfo.InvariantCulture, $"- {Name(engine)}: whole-sequence training memory grows by {BytesPerToken(cells, engine):N0} bytes per token (B*T), the slope over the T sweep");
        s.AppendLine();
        s.AppendLine("| T | H | B | chunk | " + string.Join(" | ", engines.Select(e => $"{Name(e)} train tok/s | {Name(e)} infer tok/s | {Name(e)} peak MiB")) +
                     (engines.Count == 2 ? " | train ratio | infer ratio |" : " |"));
        s.AppendLine("|--:|--:|--:|--:|" + string.Concat(Enumerable.Repeat("--:|--:|--:|", engines.Count)) + (engines.Count == 2 ? "--:|--:|" : ""));
        foreach (var key in cells.Where(c => c.Engine == engines[0]))
        {
            var row = engines.Select(e => cells.First(c => c.Engine == e && c.Steps == key.Steps && c.Hidden == key.Hidden && c.Batch == key.Batch && c.Chunk == key.Chunk)).ToList();
            s.Append(CultureInfo.InvariantCulture, $"| {key.Steps} | {key.Hidden} | {key.Batch} | {(key.Chunk == 0 ? "-" : key.Chunk.ToString(CultureInfo.InvariantCulture))} |");
            foreach (var c in row)
            {
                s.Append(CultureInfo.InvariantCulture, $" {c.Train:N0} [{c.TrainMin:N0}-{c.TrainMax:N0}]{Flag(c.TrainMin, c.TrainMax, c.Train)} |");
                s.Append(CultureInfo.InvariantCulture, $" {c.Infer:N0} [{c.InferMin:N0}-{c.InferMax:N0}]{Flag(c.InferMin, c.InferMax, c.Infer)} |");
                s.Append(CultureInfo.InvariantCulture, $" {c.Peak / (1 << 20):N1} |");
            }
            if (row.Count == 2)
                s.Append(CultureInfo.InvariantCulture, $" {row[0].Train / row[1].Train:F2}x | {row[0].Infer / row[1].Infer:F2}x |");
            s.AppendLine();
        }
        s.AppendLine();
        s.AppendLine("Ratios are the first engine over the second. A cell marked `!` moved by more than 20% of its median between rounds.");
        return s.ToString();
    }

    private static string Flag(double min, double max, double median) => (max - min) / median > 0.2 ? " !" : "";

    private static string Name(string engine) => engine == "torch" ? "PyTorch" : engine;

    private static void Plot(List<Cell> cells, List<string> engines, string path)
    {
        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(4);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 2, columns: 2);
        for (int s = 0; s < Sweeps.Length; s++)
        {
            var (key, label) = Sweeps[s];
            int[] values = Sweep(cells, engines[0], key).Select(c => Value(c, key)).ToArray();
            var plot = multiplot.GetPlot(s);
            foreach (string engine in engines)
            {
                var sweep = Sweep(cells, engine, key).ToList();
                double[] xs = sweep.Select(c => Math.Log2(Value(c, key))).ToArray();
                var train = plot.Add.Scatter(xs, sweep.Select(c => c.Train / 1000).ToArray());
                train.LegendText = $"{Name(engine)} train";
                var infer = plot.Add.Scatter(xs, sweep.Select(c => c.Infer / 1000).ToArray());
                infer.LegendText = $"{Name(engine)} infer";
                infer.LinePattern = ScottPlot.LinePattern.Dashed;
            }
            plot.Axes.Bottom.SetTicks(values.Select(v => Math.Log2(v)).ToArray(), values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray());
            plot.XLabel(label);
            plot.YLabel("thousand tokens/s");
            plot.ShowLegend();
            plot.Legend.Alignment = ScottPlot.Alignment.UpperLeft;
        }
        var memory = multiplot.GetPlot(3);
        foreach (string engine in engines)
        {
            var sweep = Sweep(cells, engine, "steps").ToList();
            var line = memory.Add.Scatter(sweep.Select(c => Math.Log2(c.Steps)).ToArray(), sweep.Select(c => c.Peak / (1 << 20)).ToArray());
            line.LegendText = $"{Name(engine)} training, whole sequence";
            var chunked = cells.FirstOrDefault(c => c.Engine == engine && c.Chunk > 0);
            if (chunked is not null)
            {
                var marker = memory.Add.Marker(Math.Log2(chunked.Steps), chunked.Peak / (1 << 20), ScottPlot.MarkerShape.OpenDiamond, size: 14);
                marker.LegendText = $"{Name(engine)} T {chunked.Steps} in chunks of {chunked.Chunk}";
            }
        }
        int[] ts = Sweep(cells, engines[0], "steps").Select(c => c.Steps).ToArray();
        memory.Axes.Bottom.SetTicks(ts.Select(v => Math.Log2(v)).ToArray(), ts.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray());
        memory.XLabel("T (steps), H 256, B 32");
        memory.YLabel("peak memory above baseline, MiB");
        memory.ShowLegend();
        memory.Legend.Alignment = ScottPlot.Alignment.UpperLeft;
        multiplot.SavePng(path, 1400, 1000);
    }
}
