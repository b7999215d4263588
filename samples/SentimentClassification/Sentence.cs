using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.SentimentClassification;

/// <summary>One labelled sentence of the UCI data: its source site, its label ("positive"/"negative") and its text.</summary>
public sealed class Sentence
{
    /// <summary>amazon, imdb or yelp.</summary>
    public string Source { get; set; } = "";

    /// <summary>"positive" or "negative"; empty when predicting.</summary>
    public string Label { get; set; } = "";

    /// <summary>The sentence.</summary>
    public string Text { get; set; } = "";

    /// <summary>Reads <c>source&lt;TAB&gt;label&lt;TAB&gt;text</c> lines after a header; label 1 is positive.</summary>
    public static Sentence[] ReadTsv(string path) => File.ReadLines(path).Skip(1)
        .Where(line => line.Length > 0)
        .Select(line => line.Split('\t', 3))
        .Select(f => new Sentence { Source = f[0], Label = f[1] == "1" ? "positive" : "negative", Text = f[2] })
        .ToArray();

    /// <summary>
    /// Holds out <paramref name="testFraction"/> of every (source, label) group, chosen by a seeded shuffle, so
    /// both parts keep the data's balance of sites and sentiments.
    /// </summary>
    public static (Sentence[] Train, Sentence[] Test) StratifiedSplit(Sentence[] rows, double testFraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<Sentence>();
        var test = new List<Sentence>();
        foreach (var group in rows.GroupBy(r => (r.Source, r.Label)).OrderBy(g => g.Key.Source).ThenBy(g => g.Key.Label))
        {
            Sentence[] members = group.ToArray();
            random.Shuffle(members);
            int testCount = (int)Math.Round(members.Length * testFraction);
            test.AddRange(members[..testCount]);
            train.AddRange(members[testCount..]);
        }
        Sentence[] trainArray = train.ToArray(), testArray = test.ToArray();
        random.Shuffle(trainArray);
        return (trainArray, testArray);
    }
}

/// <summary>What the LSTM pipeline predicts for a sentence.</summary>
public sealed class SentimentPrediction
{
    /// <summary>The predicted label, mapped back to its text.</summary>
    public string PredictedSentiment { get; set; } = "";

    /// <summary>The class probabilities, in the label's key order.</summary>
    public float[] Score { get; set; } = [];
}

/// <summary>The figures the sample reports for a model.</summary>
/// <param name="Accuracy">Micro accuracy.</param>
/// <param name="MacroF1">The mean over classes of 2PR / (P + R).</param>
/// <param name="LogLoss">Mean negative natural log of the true class's probability.</param>
/// <param name="Ece">Expected calibration error over 10 equal-width bins of the top probability.</param>
public sealed record Scores(double Accuracy, double MacroF1, double LogLoss, double Ece)
{
    /// <summary>Evaluates a scored view (columns Label, a key, and Score, the class probabilities in key order).</summary>
    public static Scores Of(MLContext ml, IDataView scored)
    {
        MulticlassClassificationMetrics m = ml.MulticlassClassification.Evaluate(scored);
        var precision = m.ConfusionMatrix.PerClassPrecision;
        var recall = m.ConfusionMatrix.PerClassRecall;
        double f1 = Enumerable.Range(0, precision.Count)
            .Average(c => precision[c] + recall[c] > 0 ? 2 * precision[c] * recall[c] / (precision[c] + recall[c]) : 0);
        float[][] scores = scored.GetColumn<float[]>("Score").ToArray();
        int[] labels = scored.GetColumn<uint>("Label").Select(k => (int)k - 1).ToArray();
        int classes = scores[0].Length;
        double ece = MLNet.Recurrent.Core.Evaluation.Calibration.ExpectedCalibrationError(scores.SelectMany(r => r).ToArray(), labels, classes, bins: 10);
        return new Scores(m.MicroAccuracy, f1, m.LogLoss, ece);
    }
}
