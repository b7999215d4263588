// Sentiment of single sentences (UCI "Sentiment Labelled Sentences", Kotzias et al. 2015, CC BY 4.0):
// an LSTM over word embeddings learned from scratch, beside ML.NET's own text baseline (FeaturizeText +
// SdcaMaximumEntropy), on the same stratified 80/20 split. Prints accuracy, macro-F1 and log-loss of both,
// saves and reloads the LSTM model, and predicts a few sentences with a PredictionEngine.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SentimentClassification;

const int Seed = 1;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string dataPath = Path.Combine(AppContext.BaseDirectory, "data", "sentences.tsv");
Sentence[] all = Sentence.ReadTsv(dataPath);
(Sentence[] trainRows, Sentence[] testRows) = Sentence.StratifiedSplit(all, testFraction: 0.2, seed: Seed);
Console.WriteLine($"{all.Length} sentences from {dataPath}");
Console.WriteLine($"stratified by source and label, seed {Seed}: {trainRows.Length} train, {testRows.Length} test " +
                  $"({testRows.Count(s => s.Label == "positive")} positive)\n");

var ml = new MLContext(seed: Seed);
ml.Log += (_, e) =>
{
    if (e.Message.Contains("LstmSequenceClassifier: ", StringComparison.Ordinal)) Console.WriteLine("  " + e.Message[(e.Message.IndexOf("LstmSequenceClassifier: ", StringComparison.Ordinal))..]);
};
IDataView train = ml.Data.LoadFromEnumerable(trainRows);
IDataView test = ml.Data.LoadFromEnumerable(testRows);

// The baseline: ML.NET's bag of word and character n-grams with a linear maximum-entropy model.
Console.WriteLine("Baseline: FeaturizeText + SdcaMaximumEntropy");
var clock = Stopwatch.StartNew();
var baseline = ml.Transforms.Text.FeaturizeText("Features", "Text")
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
    .Fit(train);
double baselineSeconds = clock.Elapsed.TotalSeconds;
Scores baselineScores = Scores.Of(ml.MulticlassClassification.Evaluate(baseline.Transform(test)));
Console.WriteLine($"  trained in {baselineSeconds:F1} s\n");

// The recurrent model: words -> keys -> learned 64-d embeddings -> bidirectional LSTM -> mean over the words -> softmax.
Console.WriteLine("LstmSequenceClassifier (bidirectional LSTM, mean pooling)");
var options = new LstmSequenceClassifier.Options
{
    LabelColumnName = "Label",
    FeatureColumnName = "Tokens",
    Cell = CellType.Lstm,
    EmbeddingSize = 64,
    HiddenSize = 64,
    Bidirectional = true,
    Pooling = SequencePoolingMode.Mean,
    Dropout = 0.5f,
    Epochs = 20,
    BatchSize = 32,
    LearningRate = 2e-3,
    ValidationFraction = 0.1,
    Patience = 3,
    MaxSequenceLength = 60,
    MinTokenCount = 1, // on 2,400 sentences, every word seen earns its own embedding
};
clock.Restart();
var lstmPipeline = ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Norm"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));
ITransformer lstm = lstmPipeline.Fit(train);
double lstmSeconds = clock.Elapsed.TotalSeconds;
Scores lstmScores = Scores.Of(ml.MulticlassClassification.Evaluate(lstm.Transform(test)));
Console.WriteLine($"  trained in {lstmSeconds:F1} s\n");

Console.WriteLine($"Test set ({testRows.Length} sentences)   accuracy   macro-F1   log-loss   train s");
Console.WriteLine($"  FeaturizeText + SDCA     {baselineScores.Accuracy,8:P1}   {baselineScores.MacroF1,8:F4}   {baselineScores.LogLoss,8:F4}   {baselineSeconds,7:F1}");
Console.WriteLine($"  LstmSequenceClassifier   {lstmScores.Accuracy,8:P1}   {lstmScores.MacroF1,8:F4}   {lstmScores.LogLoss,8:F4}   {lstmSeconds,7:F1}\n");

// Save, reload in a fresh context, and check the reloaded model scores the test set identically.
string modelPath = Path.Combine(Path.GetTempPath(), "sentiment-lstm.zip");
ml.Model.Save(lstm, train.Schema, modelPath);
var fresh = new MLContext();
ITransformer loaded = fresh.Model.Load(modelPath, out DataViewSchema _);
Scores reloaded = Scores.Of(fresh.MulticlassClassification.Evaluate(loaded.Transform(fresh.Data.LoadFromEnumerable(testRows))));
Console.WriteLine($"saved to {modelPath} ({new FileInfo(modelPath).Length / 1024} KiB); reloaded: accuracy {reloaded.Accuracy:P1}, " +
                  $"log-loss {reloaded.LogLoss:F4} ({(reloaded == lstmScores ? "identical" : "DIFFERENT")})\n");

// One sentence at a time, as an application would serve it.
var engine = fresh.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(loaded);
string[] examples =
[
    "This phone is great, the battery lasts for days.",
    "The food was cold and the waiter was rude.",
    "I would not recommend this movie to anyone.",
    "Absolutely loved it, will come back again!",
    "Not bad at all.",
];
foreach (string text in examples)
{
    SentimentPrediction p = engine.Predict(new Sentence { Text = text });
    Console.WriteLine($"  {p.PredictedSentiment,-8} (p = {p.Score.Max():F3})  {text}");
}
