// Sentiment of single sentences (UCI "Sentiment Labelled Sentences", Kotzias et al. 2015, CC BY 4.0): ML.NET's own
// text baseline (FeaturizeText + SdcaMaximumEntropy) beside LstmSequenceClassifier, on the same stratified 80/20
// split. The LSTM reads the words through learned embeddings AND takes FeaturizeText's sparse n-grams as a side
// input joined before its output layer, so it is a linear model of the n-grams plus what the recurrent summary
// adds; it is regularised for small data (token dropout, embedding dropout, AdamW weight decay, early stopping on
// validation log-loss) and calibrated by temperature scaling on its validation rows. Prints accuracy, macro-F1,
// log-loss and expected calibration error (10 equal-width bins) of both, saves and reloads the LSTM model, and
// predicts a few sentences with a PredictionEngine. The same recipe again through its text entry point,
// mlContext.Transforms.Recurrent.LstmTextClassifier("Label", "Text") with nothing set but the seed: it must print the
// same figures (it builds the same pipeline). In the same run, the transfer lever: the recipe again with its
// embedding and recurrent layer first trained as next-token language models (forward and backward) on the training
// sentences alone, then on them plus the first sentences of Jane Austen's novels (data/austen, public domain).
//
//   dotnet run -c Release --project samples/SentimentClassification                      the baseline and the recipe
//   dotnet run -c Release --project samples/SentimentClassification -- --configurations   every configuration tried
//   ... -- --configurations "seed 2|seed 3"                                           only those whose name contains one of these
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SentimentClassification;

const int Seed = Configurations.Seed;
const int AustenSentences = 10_000; // the language model's cost grows with the text; this keeps a run to minutes
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string dataPath = Path.Combine(AppContext.BaseDirectory, "data", "sentences.tsv");
Sentence[] all = Sentence.ReadTsv(dataPath);
(Sentence[] trainRows, Sentence[] testRows) = Sentence.StratifiedSplit(all, testFraction: 0.2, seed: Seed);
Console.WriteLine($"{all.Length} sentences from {dataPath}");
Console.WriteLine($"stratified by source and label, seed {Seed}: {trainRows.Length} train, {testRows.Length} test " +
                  $"({testRows.Count(s => s.Label == "positive")} positive)\n");

var ml = new MLContext(seed: Seed);
bool quiet = false;
ml.Log += (_, e) =>
{
    int at = e.Message.IndexOf("LstmSequenceClassifier: ", StringComparison.Ordinal);
    if (at >= 0 && !quiet) Console.WriteLine("  " + e.Message[at..]);
};
Sentence[] austen = Unlabelled.Austen(Path.Combine(AppContext.BaseDirectory, "data", "austen.txt"), AustenSentences);
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
Scores baselineScores = Scores.Of(ml, baseline.Transform(test));
Console.WriteLine($"  trained in {baselineSeconds:F1} s\n");

if (args.Contains("--configurations"))
{
    quiet = true;
    int at = Array.IndexOf(args, "--configurations");
    Configurations.Run(ml, train, test, baselineScores, at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal) ? args[at + 1] : null, austen);
    return;
}

// The recipe: words -> keys -> 64-d embeddings -> bidirectional LSTM -> mean over the words, joined before the
// output layer with the same FeaturizeText n-grams the baseline reads (sparse, never densified).
Console.WriteLine("LstmSequenceClassifier (bidirectional LSTM, mean pooling, FeaturizeText n-grams as side input)");
LstmSequenceClassifier.Options options = Configurations.Recipe();
clock.Restart();
ITransformer lstm = Configurations.Pipeline(ml, options).Fit(train);
double lstmSeconds = clock.Elapsed.TotalSeconds;
Scores lstmScores = Scores.Of(ml, lstm.Transform(test));
Console.WriteLine($"  trained in {lstmSeconds:F1} s\n");

// The recipe's text entry point: one text column and a label; its defaults are the recipe. Only the seed is set, to
// the recipe row's (left unset, it would be drawn from the MLContext, whose stream the fits above have moved on).
Console.WriteLine("LstmTextClassifier (default options: the recipe, built from the Text and Label columns)");
var textOptions = new LstmTextClassifier.Options();
textOptions.Classifier.Seed = options.Seed;
clock.Restart();
ITransformer textClassifier = ml.Transforms.Recurrent.LstmTextClassifier(textOptions).Fit(train);
double textSeconds = clock.Elapsed.TotalSeconds;
Scores textScores = Scores.Of(ml, textClassifier.Transform(test));
Console.WriteLine($"  trained in {textSeconds:F1} s\n");

// Transfer: the same recipe, its embedding and recurrent layer first trained as language models on unlabelled text.
Console.WriteLine($"Recipe + language model pretraining ({Configurations.PretrainingEpochs} epochs at most) on the {trainRows.Length} training sentences");
clock.Restart();
ITransformer ownText = Configurations.Fit(ml, Configurations.RecipeWithTransfer(), train, unlabelled: null);
double ownTextSeconds = clock.Elapsed.TotalSeconds;
Scores ownTextScores = Scores.Of(ml, ownText.Transform(test));
Console.WriteLine($"  trained in {ownTextSeconds:F1} s\n");
Console.WriteLine($"Recipe + language model pretraining on the training sentences + {austen.Length} Austen sentences");
clock.Restart();
ITransformer withAusten = Configurations.Fit(ml, Configurations.RecipeWithTransfer(), train, austen);
double austenSeconds = clock.Elapsed.TotalSeconds;
Scores austenScores = Scores.Of(ml, withAusten.Transform(test));
Console.WriteLine($"  trained in {austenSeconds:F1} s\n");

Console.WriteLine($"Test set ({testRows.Length} sentences)            accuracy   macro-F1   log-loss   ECE (10 bins)   train s");
Console.WriteLine($"  FeaturizeText + SDCA              {baselineScores.Accuracy,8:P1}   {baselineScores.MacroF1,8:F4}   {baselineScores.LogLoss,8:F4}   {baselineScores.Ece,13:F4}   {baselineSeconds,7:F1}");
Console.WriteLine($"  LstmSequenceClassifier (recipe)   {lstmScores.Accuracy,8:P1}   {lstmScores.MacroF1,8:F4}   {lstmScores.LogLoss,8:F4}   {lstmScores.Ece,13:F4}   {lstmSeconds,7:F1}");
Console.WriteLine($"  LstmTextClassifier, defaults      {textScores.Accuracy,8:P1}   {textScores.MacroF1,8:F4}   {textScores.LogLoss,8:F4}   {textScores.Ece,13:F4}   {textSeconds,7:F1}");
Console.WriteLine($"  + LM on training sentences        {ownTextScores.Accuracy,8:P1}   {ownTextScores.MacroF1,8:F4}   {ownTextScores.LogLoss,8:F4}   {ownTextScores.Ece,13:F4}   {ownTextSeconds,7:F1}");
Console.WriteLine($"  + LM on training + Austen         {austenScores.Accuracy,8:P1}   {austenScores.MacroF1,8:F4}   {austenScores.LogLoss,8:F4}   {austenScores.Ece,13:F4}   {austenSeconds,7:F1}");
Console.WriteLine(textScores == lstmScores
    ? "  LstmTextClassifier with its defaults printed exactly the recipe's figures."
    : "  LstmTextClassifier with its defaults printed DIFFERENT figures from the recipe's.");
bool wins = lstmScores.Accuracy > baselineScores.Accuracy && lstmScores.LogLoss < baselineScores.LogLoss;
Console.WriteLine(wins
    ? "  The LSTM is above the baseline on accuracy and below it on log-loss.\n"
    : $"  The LSTM does not beat the baseline on both: accuracy {lstmScores.Accuracy - baselineScores.Accuracy:+0.0%;-0.0%}, log-loss {lstmScores.LogLoss - baselineScores.LogLoss:+0.0000;-0.0000}.\n");
Console.WriteLine($"  Transfer against the recipe: training sentences {ownTextScores.Accuracy - lstmScores.Accuracy:+0.0%;-0.0%} accuracy, {ownTextScores.LogLoss - lstmScores.LogLoss:+0.0000;-0.0000} log-loss; " +
                  $"+ Austen {austenScores.Accuracy - lstmScores.Accuracy:+0.0%;-0.0%} accuracy, {austenScores.LogLoss - lstmScores.LogLoss:+0.0000;-0.0000} log-loss.\n");

// Save, reload in a fresh context, and check the reloaded model scores the test set identically.
string modelPath = Path.Combine(Path.GetTempPath(), "sentiment-lstm.zip");
ml.Model.Save(lstm, train.Schema, modelPath);
var fresh = new MLContext();
ITransformer loaded = fresh.Model.Load(modelPath, out DataViewSchema _);
Scores reloaded = Scores.Of(fresh, loaded.Transform(fresh.Data.LoadFromEnumerable(testRows)));
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
