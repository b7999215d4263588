using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Tests.CharLanguageModel;

/// <summary>
/// The workout of <c>mlContext.Transforms.Recurrent.CharLanguageModel</c>: schema, wrong inputs, options, the
/// output columns against the engine's scores, save/load in process and in a child process (same text for the same
/// seed), PredictionEngine, concurrent cursors, progress, log and cancellation. A tiny 1 x 12 LSTM, 40 updates.
/// </summary>
public sealed class CharLanguageModelTests(ITestOutputHelper output)
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class Scored
    {
        public string Text { get; set; } = "";
        public float LogLikelihood { get; set; }
        public float BitsPerChar { get; set; }
    }

    public sealed class FloatRow
    {
        public float Text { get; set; }
    }

    private static TextRow[] Rows(int count, int seed)
    {
        var rng = new Random(seed);
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "and", "said", "nothing"];
        return Enumerable.Range(0, count)
            .Select(_ => new TextRow { Text = string.Join(' ', Enumerable.Range(0, 3 + rng.Next(5)).Select(_ => words[rng.Next(words.Length)])) + "." })
            .ToArray();
    }

    private static CharLanguageModelTrainer.Options Small(Action<CharLanguageModelTrainer.Options>? configure = null)
    {
        var options = new CharLanguageModelTrainer.Options
        {
            HiddenSize = 12, Layers = 1, EmbeddingSize = 6, Steps = 40, BatchSize = 4, SequenceLength = 16,
            EvaluateEvery = 20, LearningRate = 1e-2, Seed = 1,
        };
        configure?.Invoke(options);
        return options;
    }

    private static (MLContext Ml, CharLanguageModelTransformer Model, IDataView Train) Fit(Action<CharLanguageModelTrainer.Options>? configure = null)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Rows(300, seed: 1));
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", Small(configure)).Fit(train);
        return (ml, model, train);
    }

    private static float[] Column(IDataView data, string name) => data.GetColumn<float>(name).ToArray();

    [Fact]
    public void Schema_adds_LogLikelihood_and_BitsPerChar_and_the_columns_hold_the_engines_scores()
    {
        var (ml, model, train) = Fit();
        var shape = ml.Transforms.Recurrent.CharLanguageModel("Text", Small()).GetOutputSchema(SchemaShapes.Create(train.Schema));
        foreach (string name in new[] { "LogLikelihood", "BitsPerChar" })
        {
            SchemaShape.Column column = Assert.Single(shape, c => c.Name == name);
            Assert.Equal(NumberDataViewType.Single, column.ItemType);
            Assert.Equal(SchemaShape.Column.VectorKind.Scalar, column.Kind);
        }

        string[] texts = ["the cat sat on a mat.", "zzzz qqqq", "", "said nothing."];
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t })));
        Assert.Equal(NumberDataViewType.Single, scored.Schema["LogLikelihood"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["BitsPerChar"].Type);
        float[] logLikelihood = Column(scored, "LogLikelihood"), bits = Column(scored, "BitsPerChar");
        for (int i = 0; i < texts.Length; i++)
        {
            var (l, b) = model.LanguageModel.Score(texts[i]);
            output.WriteLine($"\"{texts[i]}\": {logLikelihood[i]:F4} nats, {bits[i]:F4} bits/char");
            Assert.Equal((float)l, logLikelihood[i]);
            Assert.Equal((float)b, bits[i]);
            if (texts[i].Length > 0) Assert.Equal(-l / Math.Log(2) / texts[i].Length, b, 1e-9);
        }
        // Learned: training-like text is far likelier than unseen characters, and beats the uniform rate.
        Assert.True(bits[0] < Math.Log2(model.VocabularySize) - 1, $"{bits[0]} bits/char");
        Assert.True(bits[1] > bits[0] + 1);
        Assert.Equal(0f, logLikelihood[2]);
    }

    [Fact]
    public void Rows_are_joined_with_the_separator_and_empty_rows_are_skipped()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        TextRow[] rows = [.. Rows(300, seed: 2), new TextRow { Text = "" }, new TextRow { Text = "" }];
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", Small(o => o.Separator = "|")).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Contains(new Rune('|'), model.LanguageModel.Vocabulary.Symbols); // no row holds '|': it came from joining
        Assert.Equal("|", model.LanguageModel.Separator);
        Assert.Contains(messages, m => m.Contains("CharLanguageModel: skipped 2 of 302 rows whose text (column 'Text') is empty."));
        Assert.Contains(messages, m => m.Contains("CharLanguageModel: update 40/40: loss ") && m.Contains("bits/char") && m.Contains("chars/s"));
        Assert.Contains(messages, m => m.Contains("validation") && m.Contains("bits/char"));
        Assert.Contains(messages, m => m.Contains("finished after 40 updates in 1 epoch; kept the weights of the best validation loss"));
    }

    [Fact]
    public void Wrong_or_missing_text_column_is_named_at_fit_and_get_output_schema()
    {
        var ml = new MLContext(seed: 1);
        IDataView floats = ml.Data.LoadFromEnumerable(new[] { new FloatRow { Text = 1 } });
        var estimator = ml.Transforms.Recurrent.CharLanguageModel("Text", Small());
        var fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(floats));
        var shape = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(SchemaShapes.Create(floats.Schema)));
        output.WriteLine(fit.Message);
        foreach (var e in new[] { fit, shape }) Assert.StartsWith("Column 'Text' has type Single; CharLanguageModel expects a single String.", e.Message);

        IDataView texts = ml.Data.LoadFromEnumerable(Rows(5, seed: 3));
        var missing = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.CharLanguageModel("Body", Small()).Fit(texts));
        Assert.StartsWith("Column 'Body' was not found in the input; CharLanguageModel expects it to be a single String. Columns present: 'Text'.", missing.Message);

        var (_, model, _) = Fit();
        var transform = Assert.ThrowsAny<ArgumentException>(() => model.Transform(floats));
        Assert.StartsWith("Column 'Text' has type Single; CharLanguageModel expects a single String.", transform.Message);
    }

    [Fact]
    public void Bad_options_are_named_when_the_estimator_is_made_and_too_little_text_at_fit()
    {
        var ml = new MLContext(seed: 1);
        var e1 = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.CharLanguageModel("Text", Small(o => o.HiddenSize = 0)));
        Assert.Contains("'HiddenSize' was 0; it must be positive.", e1.Message);
        var e2 = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.CharLanguageModel("Text", Small(o => o.Separator = "")));
        Assert.Contains("'Separator' was \"\"", e2.Message);
        var e3 = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.CharLanguageModel(learningRate: -1));
        Assert.Contains("'LearningRate' was -1", e3.Message);
        var e4 = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.CharLanguageModel("Text", Small(o => o.MaxVocabularySize = 1)));
        Assert.Contains("'MaxVocabularySize' was 1", e4.Message);

        var few = ml.Data.LoadFromEnumerable(Rows(3, seed: 4));
        var e5 = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.CharLanguageModel("Text", Small()).Fit(few));
        output.WriteLine(e5.Message);
        Assert.Contains("'BatchSize' (4) tracks of 'SequenceLength' (16) need at least 65.", e5.Message);
    }

    [Fact]
    public void Save_then_load_in_process_generates_the_same_text_and_scores()
    {
        var (ml, model, train) = Fit();
        IDataView test = ml.Data.LoadFromEnumerable(Rows(20, seed: 5));
        float[] before = Column(model.Transform(test), "BitsPerChar");
        var options = new GenerationOptions { MaxLength = 100, Temperature = 0.8f, Seed = 7 };
        string text = model.Generate("the", options);

        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext(seed: 9).Model.Load(stream, out _);
        var lm = Assert.IsType<CharLanguageModelTransformer>(loaded is TransformerChain<ITransformer> chain ? chain.Single() : loaded);
        Assert.Null(lm.Training);
        Assert.Equal("Text", lm.TextColumnName);
        Assert.Equal(before, Column(loaded.Transform(test), "BitsPerChar"));
        Assert.Equal(text, lm.Generate("the", options));
        Assert.NotEqual(text, lm.Generate("the", new GenerationOptions { MaxLength = 100, Temperature = 0.8f, Seed = 8 }));
        Assert.Equal(model.BeamSearch("the ", 3, 20), lm.BeamSearch("the ", 3, 20));
    }

    [Fact]
    public void Saved_here_it_loads_scores_and_generates_identically_in_a_child_process()
    {
        var (ml, model, train) = Fit();
        IDataView test = ml.Data.LoadFromEnumerable(Rows(20, seed: 6));
        float[] expected = Column(model.Transform(test), "LogLikelihood");
        string text = model.Generate("a cat", new GenerationOptions { MaxLength = 100, Seed = 3 });

        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-charlm-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);
            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath, "a cat", "3");
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            Assert.Contains("CharLanguageModelTransformer", stdout);
            Assert.Equal(expected, Column(new MLContext().Data.LoadFromBinary(outputPath), "LogLikelihood"));
            Assert.Equal(text, File.ReadAllText(outputPath + ".txt"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PredictionEngine_and_concurrent_cursors_agree_with_transform()
    {
        var (ml, model, _) = Fit();
        TextRow[] rows = Rows(40, seed: 7);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        float[] expected = Column(scored, "LogLikelihood");
        Assert.True(expected.Distinct().Count() > 30); // rows score differently: a real per-row computation

        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 2 == 0) results[i] = Column(scored, "LogLikelihood");
            else
            {
                var engine = ml.Model.CreatePredictionEngine<TextRow, Scored>(model);
                results[i] = rows.Select(r => engine.Predict(r).LogLikelihood).ToArray();
            }
        });
        foreach (float[] result in results) Assert.Equal(expected, result);
    }

    [Fact]
    public void Progress_reaches_the_callback_and_cancellation_keeps_the_best_model_so_far()
    {
        var reports = new List<TrainingProgress>();
        var snapshots = new List<(long Step, double LogLikelihood)>();
        using var cts = new CancellationTokenSource();
        var (_, model, _) = Fit(o =>
        {
            o.Steps = 1000;
            o.ReportEvery = 5;
            o.EvaluateEvery = 10;
            o.Patience = 0;
            o.Progress = new Callback(p =>
            {
                reports.Add(p);
                if (p.Step >= 30) cts.Cancel();
            });
            o.CancellationToken = cts.Token;
            o.OnEvaluation = (snapshot, p) => snapshots.Add((p.Step, snapshot.Score("the cat sat.").LogLikelihood));
        });
        Assert.Equal([5, 10, 15, 20, 25, 30], reports.Select(r => (int)r.Step));
        Assert.Equal([10, 20, 30], reports.Where(r => r.Validation is not null).Select(r => (int)r.Step));
        var training = Assert.IsType<TrainingResult>(model.Training);
        Assert.True(training.Canceled);
        Assert.Equal(30, training.Steps);
        double best = reports.Where(r => r.Validation is not null).Min(r => r.Validation!.Loss);
        Assert.Equal(best, training.BestValidation!.Loss);
        // A copy of the weights at each validation: they differ from one validation to the next.
        Assert.Equal([10L, 20L, 30L], snapshots.Select(s => s.Step));
        Assert.Equal(3, snapshots.Select(s => s.LogLikelihood).Distinct().Count());
    }

    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
