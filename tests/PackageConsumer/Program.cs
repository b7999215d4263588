// The package consumer check (build/check-packages.sh): a user's app that has only the NuGet packages.
//   PackageConsumer train   <dir> <MLNet.Recurrent assembly version> <Microsoft.ML version>
//     checks it runs with the packages it was meant to, trains a tiny LSTM classifier, checks it learned,
//     exports it to ONNX (MLNet.Recurrent.Onnx) and checks ONNX Runtime gives the same scores (within 1e-5),
//     saves <dir>/model.zip and the predictions of held-out sentences to <dir>/expected.tsv
//   PackageConsumer predict <dir>
//     in a NEW process: loads the model with plain ML.NET (no registration call), predicts the same
//     sentences and compares with expected.tsv, label and every score bit for bit
// Exits 0 when everything matches, 1 on any mismatch, 2 on bad arguments.
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Recurrent;
using MLNet.Recurrent.Onnx;
using MLNet.Recurrent.SequenceClassification;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["train", string trainDir, string expectedVersion, string expectedMlNet]) return Train(trainDir, expectedVersion, expectedMlNet);
if (args is ["predict", string predictDir]) return Predict(predictDir);
Console.Error.WriteLine("usage: PackageConsumer train <dir> <MLNet.Recurrent assembly version> <Microsoft.ML version> | predict <dir>");
return 2;

static int Train(string dir, string expectedVersion, string expectedMlNet)
{
    string ours = InformationalVersion(typeof(RecurrentCatalog).Assembly);
    string mlNet = InformationalVersion(typeof(MLContext).Assembly);
    Console.WriteLine($"MLNet.Recurrent {ours} from {typeof(RecurrentCatalog).Assembly.Location}");
    Console.WriteLine($"Microsoft.ML {mlNet}");
    if (ours != expectedVersion) return Fail($"MLNet.Recurrent is {ours}; expected {expectedVersion}");
    if (mlNet != expectedMlNet) return Fail($"Microsoft.ML is {mlNet}; expected {expectedMlNet}");

    var ml = new MLContext(seed: 1);
    IDataView train = ml.Data.LoadFromEnumerable(Review.Make(400, seed: 1));
    var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
        .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
        .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
        .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Tokens",
            EmbeddingSize = 8,
            HiddenSize = 12,
            Epochs = 15,
            BatchSize = 16,
            LearningRate = 0.02,
            ValidationFraction = 0.2,
            Patience = 0,
            MinTokenCount = 1,
            Seed = 3,
        }))
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));
    ITransformer model = pipeline.Fit(train);

    Review[] heldOut = Review.Make(60, seed: 2);
    var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(model);
    Prediction[] predictions = [.. heldOut.Select(engine.Predict)];
    int correct = heldOut.Zip(predictions).Count(p => p.First.Label == p.Second.PredictedText);
    Console.WriteLine($"held-out accuracy {correct}/{heldOut.Length} (chance about half)");
    if (correct < heldOut.Length * 9 / 10) return Fail($"the classifier did not learn: {correct}/{heldOut.Length} right, expected at least 90%");

    Directory.CreateDirectory(dir);
    int onnx = CheckOnnx(ml, model, heldOut, predictions, Path.Combine(dir, "classifier.onnx"));
    if (onnx != 0) return onnx;
    ml.Model.Save(model, train.Schema, Path.Combine(dir, "model.zip"));
    File.WriteAllLines(Path.Combine(dir, "expected.tsv"), heldOut.Zip(predictions).Select(p => Line(p.First, p.Second)));
    Console.WriteLine($"saved {Path.Combine(dir, "model.zip")} and {heldOut.Length} predictions");
    return 0;
}

// The classifier exported to ONNX and run in ONNX Runtime on the keys ML.NET made: the same scores as the engine.
static int CheckOnnx(MLContext ml, ITransformer model, Review[] heldOut, Prediction[] predictions, string path)
{
    var classifier = ((IEnumerable<ITransformer>)model).OfType<SequenceClassificationTransformer>().Single();
    using (var file = File.Create(path)) classifier.ExportToOnnx(file);
    IDataView keyed = model.Transform(ml.Data.LoadFromEnumerable(heldOut));
    var rows = new List<uint[]>();
    using (var cursor = keyed.GetRowCursor([keyed.Schema["Tokens"]]))
    {
        var getter = cursor.GetGetter<VBuffer<uint>>(keyed.Schema["Tokens"]);
        VBuffer<uint> keys = default;
        while (cursor.MoveNext())
        {
            getter(ref keys);
            rows.Add(keys.DenseValues().ToArray());
        }
    }
    int b = rows.Count, steps = rows.Max(r => r.Length);
    var tokens = new DenseTensor<long>([b, steps]);
    for (int r = 0; r < b; r++)
        for (int t = 0; t < rows[r].Length; t++) tokens[r, t] = rows[r][t];
    var lengths = new DenseTensor<int>(rows.Select(r => r.Length).ToArray(), [b]);
    using var session = new InferenceSession(path);
    using var results = session.Run([NamedOnnxValue.CreateFromTensor("Tokens", tokens), NamedOnnxValue.CreateFromTensor(OnnxTensorNames.Lengths, lengths)]);
    float[] scores = results.Single(v => v.Name == "Score").AsTensor<float>().ToArray();
    float largest = 0;
    for (int r = 0; r < b; r++)
        for (int k = 0; k < predictions[r].Score.Length; k++)
            largest = Math.Max(largest, Math.Abs(scores[r * predictions[r].Score.Length + k] - predictions[r].Score[k]));
    Console.WriteLine($"ONNX export ({new FileInfo(path).Length} bytes) in ONNX Runtime: largest score difference from ML.NET {largest:E1} over {b} sentences");
    return largest <= 1e-5f ? 0 : Fail($"ONNX Runtime's scores differ from ML.NET's by {largest}, more than 1e-5");
}

static int Predict(string dir)
{
    var ml = new MLContext();
    ITransformer model = ml.Model.Load(Path.Combine(dir, "model.zip"), out _);
    var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(model);
    string[] expected = File.ReadAllLines(Path.Combine(dir, "expected.tsv"));
    int mismatches = 0;
    foreach (string line in expected)
    {
        var review = new Review { Text = line.Split('\t')[0], Label = line.Split('\t')[1] };
        string actual = Line(review, engine.Predict(review));
        if (actual == line) continue;
        if (++mismatches <= 5) Console.Error.WriteLine($"  expected: {line}\n  actual:   {actual}");
    }
    if (mismatches > 0) return Fail($"the reloaded model differs on {mismatches} of {expected.Length} sentences");
    Console.WriteLine($"reloaded in a new process: {expected.Length} predictions identical (label and scores)");
    return 0;
}

static string Line(Review review, Prediction p) =>
    $"{review.Text}\t{review.Label}\t{p.PredictedText}\t{string.Join(' ', p.Score.Select(s => s.ToString("R")))}";

static string InformationalVersion(Assembly assembly)
{
    string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
    int plus = version.IndexOf('+');
    return plus < 0 ? version : version[..plus]; // drop the "+commit" build metadata
}

static int Fail(string message)
{
    Console.Error.WriteLine("FAILED: " + message);
    return 1;
}

/// <summary>A review whose label is decided by one sentiment word among 2..7 neutral ones.</summary>
public sealed class Review
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";

    private static readonly string[] s_positive = ["good", "great", "loved", "fine"];
    private static readonly string[] s_negative = ["bad", "awful", "rude", "cold"];

    public static Review[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var reviews = new Review[count];
        for (int r = 0; r < count; r++)
        {
            bool positive = random.Next(2) == 0;
            string[] cue = positive ? s_positive : s_negative;
            var words = Enumerable.Range(0, 2 + random.Next(6)).Select(_ => $"w{random.Next(20)}").ToList();
            words.Insert(random.Next(words.Count + 1), cue[random.Next(cue.Length)]);
            reviews[r] = new Review { Text = string.Join(' ', words), Label = positive ? "positive" : "negative" };
        }
        return reviews;
    }
}

/// <summary>What the pipeline adds: the class probabilities and the predicted label's text.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public string PredictedText { get; set; } = "";
}
