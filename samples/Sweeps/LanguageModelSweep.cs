using System.Reflection;
using Microsoft.ML;
using MLNet.Recurrent;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Sweeps;
using Spectre.Console;

namespace SweepsSample;

/// <summary>
/// The character language model on Jane Austen: successive halving over updates (rungs 30, 90, 270), bits per
/// character on held-out paragraphs. A slice of the novels keeps each trial short.
/// </summary>
internal static class LanguageModelSweep
{
    private const string Separator = "\n\n";
    private const int TrainCharacters = 400_000;
    private const int ValidationCharacters = 20_000;

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    public static async Task RunAsync(Arguments a, uint seconds, CancellationToken cancel)
    {
        (Row[] trainRows, Row[] validationRows) = Paragraphs();
        var ml = new MLContext(seed: a.Seed);
        IDataView train = ml.Data.LoadFromEnumerable(trainRows);
        IDataView validation = ml.Data.LoadFromEnumerable(validationRows);

        var baseOptions = new CharLanguageModelTrainer.Options
        {
            TextColumnName = "Text",
            Separator = Separator,
            SequenceLength = 64,
            ValidationFraction = 0, // the sweep scores every trial on its own held-out paragraphs
            Patience = 0,
        };
        SweepMetric metric = SweepMetric.BitsPerCharacter("Text");
        var experiment = new SweepExperiment<CharLanguageModelTrainer.Options>(ml, baseOptions)
            .SetPipeline(options => ml.Transforms.Recurrent.CharLanguageModel(options))
            .SetDataset(train, validation)
            .SetMetric(metric)
            .SetSuccessiveHalving(nameof(baseOptions.Steps), minBudget: 30, maxBudget: 270, reductionFactor: 3)
            .SetTrainingTimeInSeconds(seconds)
            .SetSeed(a.Seed);
        experiment.SearchSpace
            .SetRange(nameof(baseOptions.HiddenSize), 64, 256, logScale: true)
            .SetRange(nameof(baseOptions.EmbeddingSize), 16, 64, logScale: true)
            .SetChoices(nameof(baseOptions.Layers), 1, 2)
            .SetChoices(nameof(baseOptions.BatchSize), 16, 32)
            .Remove(nameof(baseOptions.SequenceLength))
            .Remove(nameof(baseOptions.ClipNorm))
            .Remove(nameof(baseOptions.Optimizer));

        AnsiConsole.Write(new Rule("[bold]CharLanguageModel on Jane Austen[/]"));
        Console.WriteLine($"{trainRows.Sum(r => r.Text.Length):N0} characters to fit ({trainRows.Length} paragraphs), " +
                          $"{validationRows.Sum(r => r.Text.Length):N0} to score each trial; budget {seconds} s on {Environment.ProcessorCount} cores, seed {a.Seed}");
        Console.WriteLine("search space: " + string.Join("; ", experiment.SearchSpace.Parameters));
        Console.WriteLine("tuner: successive halving over Steps (rungs 30, 90, 270 updates; eta 3); trial 1 is the base options (2 x 256 LSTM)\n");

        SweepResult<CharLanguageModelTrainer.Options> result = await LiveTrials.RunAsync(experiment, metric, cancel);
        ClassifierSweep.Report(result);
        if (result.BestModel is { } model)
        {
            string modelPath = Path.Combine(Path.GetTempPath(), "sweep-charlm.zip");
            ml.Model.Save(model, result.InputSchema, modelPath);
            Console.WriteLine($"saved to {modelPath}\n");
        }
    }

    /// <summary>The first paragraphs of the novels up to <see cref="TrainCharacters"/>, then the next ones up to <see cref="ValidationCharacters"/>.</summary>
    private static (Row[] Train, Row[] Validation) Paragraphs()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("austen.txt")
            ?? throw new InvalidDataException("The embedded austen.txt is missing from the program.");
        using var reader = new StreamReader(stream);
        string[] paragraphs = reader.ReadToEnd().ReplaceLineEndings("\n").Split(Separator)
            .Select(p => p.Trim('\n')).Where(p => p.Length > 0).ToArray();
        var train = new List<Row>();
        var validation = new List<Row>();
        int trainLength = 0, validationLength = 0;
        foreach (string p in paragraphs)
        {
            if (trainLength < TrainCharacters) { train.Add(new Row { Text = p }); trainLength += p.Length; }
            else if (validationLength < ValidationCharacters) { validation.Add(new Row { Text = p }); validationLength += p.Length; }
            else break;
        }
        return (train.ToArray(), validation.ToArray());
    }
}
