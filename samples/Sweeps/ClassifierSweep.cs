using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MLNet.Recurrent;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Sweeps;
using Spectre.Console;

namespace SweepsSample;

/// <summary>
/// The sequence classifier on the UCI sentences: successive halving over epochs (rungs 1, 3, 9; the top third of each
/// rung trains again with three times the epochs), validation log-loss, then the best model on the test set.
/// </summary>
internal static class ClassifierSweep
{
    public static async Task RunAsync(Arguments a, uint seconds, CancellationToken cancel)
    {
        string dataPath = Path.Combine(AppContext.BaseDirectory, "data", "sentences.tsv");
        (Sentence[] trainRows, Sentence[] testRows) = Sentence.StratifiedSplit(Sentence.ReadTsv(dataPath), 0.2, seed: 1);
        (Sentence[] fitRows, Sentence[] validationRows) = Sentence.StratifiedSplit(trainRows, 0.2, seed: a.Seed);
        var ml = new MLContext(seed: a.Seed);
        IDataView fit = ml.Data.LoadFromEnumerable(fitRows);
        IDataView validation = ml.Data.LoadFromEnumerable(validationRows);
        IDataView test = ml.Data.LoadFromEnumerable(testRows);

        // What is not searched: the columns and the sequence limit. Patience 0 lets every trial train the epochs its rung
        // gives it (the best epoch's weights, by the 10% held out inside the fit, are still what it keeps).
        var baseOptions = new LstmSequenceClassifier.Options
        {
            FeatureColumnName = "Tokens",
            LabelColumnName = "Label",
            Bidirectional = true,
            Dropout = 0.5f,
            MinTokenCount = 1,
            MaxSequenceLength = 60,
            ValidationFraction = 0.1,
            Patience = 0,
            SideColumnName = a.Side ? "NGrams" : null,
        };
        SweepMetric metric = SweepMetric.LogLoss();
        var experiment = new SweepExperiment<LstmSequenceClassifier.Options>(ml, baseOptions)
            .SetPipeline(options => (a.Side
                    ? ml.Transforms.Text.FeaturizeText("NGrams", new TextFeaturizingEstimator.Options { Norm = TextFeaturizingEstimator.NormFunction.None }, "Text")
                        .Append(ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false))
                    : (IEstimator<ITransformer>)ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false))
                .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Norm"))
                .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options)))
            .SetDataset(fit, validation)
            .SetMetric(metric)
            .SetSuccessiveHalving(nameof(baseOptions.Epochs), minBudget: 1, maxBudget: 9, reductionFactor: 3)
            .SetTrainingTimeInSeconds(seconds)
            .SetSeed(a.Seed);
        // The attributes' ranges, narrowed to what 2 shared cores can train a few of in minutes.
        experiment.SearchSpace
            .SetRange(nameof(baseOptions.HiddenSize), 16, 96, logScale: true)
            .SetRange(nameof(baseOptions.EmbeddingSize), 16, 96, logScale: true)
            .Fix(nameof(baseOptions.Layers), 1)
            .SetChoices(nameof(baseOptions.Cell), CellType.Lstm, CellType.Gru)
            .SetChoices(nameof(baseOptions.BatchSize), 16, 32, 64)
            .Remove(nameof(baseOptions.ClipNorm))
            .Remove(nameof(baseOptions.MinTokenCount))
            .Remove(nameof(baseOptions.PretrainingEpochs)); // a language model per trial would eat the budget

        AnsiConsole.Write(new Rule("[bold]LstmSequenceClassifier on the UCI sentences[/]"));
        Console.WriteLine($"{fitRows.Length} sentences to fit, {validationRows.Length} to score each trial, {testRows.Length} held out for the best model; " +
                          $"budget {seconds} s on {Environment.ProcessorCount} cores, seed {a.Seed}");
        Console.WriteLine("search space: " + string.Join("; ", experiment.SearchSpace.Parameters));
        if (a.Side) Console.WriteLine("every trial reads FeaturizeText's n-gram counts (column NGrams) as its side input");
        Console.WriteLine("tuner: successive halving over Epochs (rungs 1, 3, 9; eta 3); trial 1 is the base options\n");

        SweepResult<LstmSequenceClassifier.Options> result = await LiveTrials.RunAsync(experiment, metric, cancel);
        Report(result);
        if (result.BestModel is null) return;

        MulticlassClassificationMetrics m = ml.MulticlassClassification.Evaluate(result.BestModel.Transform(test));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"best model on the {testRows.Length} test sentences: accuracy {m.MicroAccuracy:P1}, log-loss {m.LogLoss:F4}"));
        string modelPath = Path.Combine(Path.GetTempPath(), "sweep-classifier.zip");
        ml.Model.Save(result.BestModel, result.InputSchema, modelPath);
        Console.WriteLine($"saved to {modelPath}\n");
    }

    /// <summary>The end of a sweep: how many trials of each kind, the best and its options.</summary>
    public static void Report<T>(SweepResult<T> result) where T : class
    {
        int completed = result.Trials.Count(t => t.Status == SweepTrialStatus.Completed);
        int failed = result.Trials.Count(t => t.Status == SweepTrialStatus.Failed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n{result.Trials.Count} trials ({completed} completed, {failed} failed) in {result.Elapsed.TotalSeconds:F0} s{(result.WasCanceled ? ", canceled" : "")}"));
        if (result.BestTrial is not { } best)
        {
            Console.WriteLine("no trial completed");
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"best: trial {best.Id} (configuration {best.ConfigurationId}, budget {best.Budget}), {result.Metric.Name} {best.Metric:F4}"));
        Console.WriteLine($"best options: {SweepTable.Options(best)}");
    }
}
