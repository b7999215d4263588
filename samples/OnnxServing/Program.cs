// Fits a small GRU sentence classifier in an ML.NET pipeline, exports it to ONNX, and scores the same sentences
// with ONNX Runtime in one batched call: the serving route that needs no ML.NET at prediction time.
//   dotnet run -c Release --project samples/OnnxServing [output folder]
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Recurrent;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Onnx;
using MLNet.Recurrent.SequenceClassification;

string folder = args.Length > 0 ? args[0] : Path.Combine("out", "onnx-serving");
Directory.CreateDirectory(folder);
var ml = new MLContext(seed: 1);

// A task a small network learns in seconds: the colour word in a sentence of filler words is its label.
Sentence[] Make(int count, int seed)
{
    var random = new Random(seed);
    string[] colours = ["red", "green", "blue"];
    return [.. Enumerable.Range(0, count).Select(_ =>
    {
        int c = random.Next(3);
        var words = Enumerable.Range(0, 2 + random.Next(6)).Select(_ => $"w{random.Next(20)}").ToList();
        words.Insert(random.Next(words.Count + 1), colours[c]);
        return new Sentence { Text = string.Join(' ', words), Label = colours[c] };
    })];
}

var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
    .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
    {
        FeatureColumnName = "Tokens", Cell = CellType.Gru, EmbeddingSize = 8, HiddenSize = 16, Bidirectional = true,
        Epochs = 12, BatchSize = 16, LearningRate = 0.02, MinTokenCount = 1, Seed = 3,
    }));
var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Make(300, seed: 11)));
var classifier = model.OfType<SequenceClassificationTransformer>().Single();

string path = Path.Combine(folder, "classifier.onnx");
using (var file = File.Create(path)) classifier.ExportToOnnx(file);
Console.WriteLine($"Wrote {path} ({new FileInfo(path).Length:N0} bytes): {classifier.NetworkOptions.Cell}, " +
                  $"{classifier.NetworkOptions.HiddenSize} units, bidirectional, {classifier.ClassCount} classes.");

// ML.NET prepares the keys (tokenizing and MapValueToKey are not in the ONNX graph) and scores them.
Sentence[] test = Make(8, seed: 12);
IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));
var keys = scored.GetColumn<VBuffer<uint>>("Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();

// ONNX Runtime scores all sentences in one call: keys padded to the longest, with their lengths.
int b = keys.Length, steps = keys.Max(k => k.Length);
var tokens = new DenseTensor<long>([b, steps]);
for (int r = 0; r < b; r++)
    for (int t = 0; t < keys[r].Length; t++) tokens[r, t] = keys[r][t];
var lengths = new DenseTensor<int>(keys.Select(k => k.Length).ToArray(), [b]);
using var session = new InferenceSession(path);
using var results = session.Run(
[
    NamedOnnxValue.CreateFromTensor(classifier.FeatureColumnName, tokens),
    NamedOnnxValue.CreateFromTensor(OnnxTensorNames.Lengths, lengths),
]);
var onnxScore = results.Single(r => r.Name == "Score").AsTensor<float>();
var onnxLabel = results.Single(r => r.Name == "PredictedLabel").AsTensor<long>();

Console.WriteLine();
Console.WriteLine($"{"sentence",-32} {"label",-6} {"ONNX Runtime",-13} {"max |Score difference|",22}");
float worst = 0;
for (int r = 0; r < b; r++)
{
    float diff = 0;
    for (int k = 0; k < classifier.ClassCount; k++) diff = MathF.Max(diff, MathF.Abs(scores[r][k] - onnxScore[r, k]));
    worst = MathF.Max(worst, diff);
    string predicted = classifier.ClassNames[(int)onnxLabel[r] - 1];
    Console.WriteLine($"{test[r].Text,-32} {test[r].Label,-6} {predicted,-13} {diff.ToString("E1", CultureInfo.InvariantCulture),22}");
}
Console.WriteLine();
Console.WriteLine($"Largest difference between ML.NET's and ONNX Runtime's scores: {worst.ToString("E1", CultureInfo.InvariantCulture)}");
