// Conditioned generation on real data: sentences of the UCI sentiment set generated from a (source, label) one-hot
// vector ("a positive yelp review"), with mlContext.Transforms.Recurrent.ConditionedTextGenerator. A sentiment
// classifier trained on the real sentences (FeaturizeText + SDCA) then labels the generated ones: the share that
// gets the requested sentiment shows whether the condition is followed (50% is chance).
// Options: --epochs N --samples N --temperature T --seed N.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Translation;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var opt = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Get(string key, string fallback) => opt.TryGetValue(key, out var v) ? v : fallback;
int epochs = int.Parse(Get("epochs", "12")), perCondition = int.Parse(Get("samples", "100")), seed = int.Parse(Get("seed", "1"));
float temperature = float.Parse(Get("temperature", "0.8"));

string[] sources = ["amazon", "imdb", "yelp"];
var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "sentences.tsv")).Skip(1).Select(line => line.Split('\t'))
    .Select(f => new Row { Source = f[0], Label = f[1] == "1", Text = f[2], Condition = OneHot(Array.IndexOf(sources, f[0]), f[1] == "1") }).ToArray();
Console.WriteLine($"sentences: {rows.Length:N0} ({string.Join(", ", sources.Select(s => $"{s} {rows.Count(r => r.Source == s)}"))}), half positive");

var ml = new MLContext(seed: seed);
IDataView data = ml.Data.LoadFromEnumerable(rows);
var generator = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
{
    ConditionColumnName = nameof(Row.Condition), TargetColumnName = nameof(Row.Text), OutputColumnName = "Generated",
    EmbeddingSize = 64, HiddenSize = 128, Epochs = epochs, BatchSize = 32, LearningRate = 2e-3, Dropout = 0.2f, MinTokenCount = 2, Seed = seed,
    Progress = new ProgressPrinter(p => { if (p.Validation is { } v) Console.WriteLine($"epoch {p.Epoch} train_loss {p.Loss:F3} val_loss {v.Loss:F3} ({p.TokensPerSecond:N0} tok/s)"); }),
}).Fit(data);

// The judge: a classifier trained on every real sentence (it never sees generated text).
var judge = ml.Transforms.Text.FeaturizeText("Features", nameof(Row.Text))
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(Row.Label)))
    .Fit(data);
var engine = ml.Model.CreatePredictionEngine<TextOnly, Verdict>(judge);

Console.WriteLine($"\n{perCondition} samples per condition, temperature {temperature}; the judge's verdict on each:");
int total = 0, agreed = 0;
for (int s = 0; s < sources.Length; s++)
    foreach (bool positive in new[] { true, false })
    {
        int hits = 0;
        var examples = new List<string>();
        for (int i = 0; i < perCondition; i++)
        {
            string text = generator.Generate(OneHot(s, positive), new SamplingOptions { Temperature = temperature, Seed = seed * 100_000 + s * 1000 + (positive ? 500 : 0) + i });
            bool verdict = engine.Predict(new TextOnly { Text = text }).PredictedLabel;
            if (verdict == positive) hits++;
            if (examples.Count < 3) examples.Add(text);
        }
        total += perCondition;
        agreed += hits;
        Console.WriteLine($"  {(positive ? "positive" : "negative")} {sources[s],-6}: judged {(positive ? "positive" : "negative")} {hits,3}/{perCondition}   e.g. {string.Join(" | ", examples)}");
    }
Console.WriteLine($"requested sentiment recognised: {agreed}/{total} = {100.0 * agreed / total:F1}% (chance 50%)");
return 0;

static float[] OneHot(int source, bool positive)
{
    var v = new float[6];
    v[source * 2 + (positive ? 1 : 0)] = 1;
    return v;
}

internal sealed class Row
{
    public string Source { get; set; } = "";
    public bool Label { get; set; }
    public string Text { get; set; } = "";
    [VectorType(6)]
    public float[] Condition { get; set; } = [];
}

internal sealed class TextOnly
{
    public string Text { get; set; } = "";
}

internal sealed class Verdict
{
    public bool PredictedLabel { get; set; }
}

internal sealed class ProgressPrinter(Action<MLNet.Recurrent.Core.Training.TrainingProgress> report) : IProgress<MLNet.Recurrent.Core.Training.TrainingProgress>
{
    public void Report(MLNet.Recurrent.Core.Training.TrainingProgress value) => report(value);
}
