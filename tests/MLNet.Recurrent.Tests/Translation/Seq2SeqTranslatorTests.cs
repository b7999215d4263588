using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Tests.TestSupport;
using MLNet.Recurrent.Translation;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.Translation;

public sealed class Seq2SeqTranslatorTests(ITestOutputHelper output)
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    private static readonly string[] s_words = ["red", "green", "blue", "cat", "dog", "sun"];

    /// <summary>Sentences of 2 to 4 words, each translated into the same words in reverse order, upper-cased and ended by a full stop.</summary>
    private static Pair[] Reversals(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var words = Enumerable.Range(0, random.Next(2, 5)).Select(_ => s_words[random.Next(s_words.Length)]).ToArray();
            return new Pair { Source = string.Join(' ', words), Target = string.Join(' ', words.Reverse()).ToUpperInvariant() + "." };
        }).ToArray();
    }

    private static Seq2SeqTranslator.Options Small(int epochs) => new()
    {
        SourceColumnName = "Source", TargetColumnName = "Target", OutputColumnName = "Translation",
        EmbeddingSize = 8, HiddenSize = 24, MinTokenCount = 1, BatchSize = 16, Epochs = epochs, LearningRate = 1e-2,
        ValidationFraction = 0, Seed = 3,
    };

    [Fact]
    public void Workout_schema_wrong_input_and_save_load_in_a_child_process_translate_identically()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Reversals(400, 1));
        IDataView test = ml.Data.LoadFromEnumerable(Reversals(20, 2));
        var estimator = ml.Transforms.Recurrent.Seq2SeqTranslator(Small(epochs: 12));
        SchemaShape shape = estimator.GetOutputSchema(SchemaShapes.Create(train.Schema));
        Assert.Equal(TextDataViewType.Instance, Assert.Single(shape, c => c.Name == "Translation").ItemType);

        var wrong = ml.Data.LoadFromEnumerable(new[] { new { Source = 1f, Target = "x" } });
        var e = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(wrong));
        Assert.Contains("Column 'Source'", e.Message);

        var model = estimator.Fit(train);
        string[] expected = ml.Data.CreateEnumerable<Translated>(model.Transform(test), reuseRowObject: false).Select(r => r.Translation).ToArray();
        var metrics = ml.Transforms.Recurrent.EvaluateTranslation(model.Transform(test), "Target");
        output.WriteLine($"exact {metrics.ExactMatch:F1}%, BLEU {metrics.Bleu.Score:F2}, chrF2 {metrics.ChrF:F2}; 'red dog sun' -> '{model.Translate("red dog sun")}'");
        Assert.True(metrics.ExactMatch >= 90, $"exact match {metrics.ExactMatch:F1}%");

        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-seq2seq-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);
            var loaded = (Seq2SeqTranslatorTransformer)ml.Model.Load(modelPath, out _);
            Assert.Equal(model.Translate("blue cat"), loaded.Translate("blue cat"));
            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            string[] actual = new MLContext().Data.CreateEnumerable<Translated>(new MLContext().Data.LoadFromBinary(outputPath), reuseRowObject: false)
                .Select(r => r.Translation).ToArray();
            Assert.Equal(expected, actual);
            Assert.Contains(nameof(Seq2SeqTranslatorTransformer), stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        var nBest = model.TranslateNBest("red dog sun", 3);
        Assert.Equal(3, nBest.Count);
        Assert.True(nBest[0].Score >= nBest[1].Score && nBest[1].Score >= nBest[2].Score);
        Assert.Equal(model.Translate("red dog sun"), nBest[0].Text);
        var attention = model.Attention("red dog sun");
        Assert.Equal(["red", "dog", "sun"], attention.SourceTokens);
        Assert.All(attention.Weights, row => Assert.Equal(1.0, row.Sum(), 4));
        Assert.Contains("<th class=\"src\">dog</th>", attention.ToHtml());
    }

    public sealed class Translated
    {
        public string Translation { get; set; } = "";
    }

    [Fact]
    public void Dot_attention_learns_the_reversal_and_a_sampling_output_column_is_seeded_and_survives_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Reversals(400, 1));
        Pair[] testRows = Reversals(20, 2);
        IDataView test = ml.Data.LoadFromEnumerable(testRows);
        var options = Small(epochs: 12);
        options.Attention = Core.Models.AttentionStyle.Dot;
        options.Sampling = new Core.Decoding.SamplingOptions { Temperature = 0.05f, Seed = 11 };   // nearly greedy
        var model = ml.Transforms.Recurrent.Seq2SeqTranslator(options).Fit(train);
        Assert.Equal(Core.Models.AttentionStyle.Dot, model.NetworkOptions.Attention);
        var metrics = ml.Transforms.Recurrent.EvaluateTranslation(model.Transform(test), "Target");
        output.WriteLine($"dot attention, sampled at T = 0.05: exact {metrics.ExactMatch:F1}%, BLEU {metrics.Bleu.Score:F2}");
        Assert.True(metrics.ExactMatch >= 90, $"exact match {metrics.ExactMatch:F1}%");

        // The column samples each row with the seed: the same as Translate with those options, and the same after loading.
        string[] column = ml.Data.CreateEnumerable<Translated>(model.Transform(test), reuseRowObject: false).Select(r => r.Translation).ToArray();
        Assert.Equal(testRows.Select(r => model.Translate(r.Source, options.Sampling)), column);
        var hot = new Core.Decoding.SamplingOptions { Temperature = 3f, TopK = 4, Seed = 5 };
        Assert.Equal(model.Translate("red dog sun", hot), model.Translate("red dog sun", hot));
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = (Seq2SeqTranslatorTransformer)new MLContext().Model.Load(stream, out _);
        Assert.Equal(0.05f, loaded.Sampling!.Temperature);
        Assert.Equal(11, loaded.Sampling.Seed);
        Assert.Equal(column, ml.Data.CreateEnumerable<Translated>(loaded.Transform(test), reuseRowObject: false).Select(r => r.Translation));
        Assert.Equal(model.Translate("red dog sun", hot), loaded.Translate("red dog sun", hot));
    }

    [Fact]
    public void Sampling_with_a_beam_or_with_a_bad_temperature_is_refused_naming_the_option()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(1);
        options.Sampling = new Core.Decoding.SamplingOptions { Temperature = 0.7f };
        options.BeamWidth = 3;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.Seq2SeqTranslator(options));
        Assert.Contains("'BeamWidth' was 3", e.Message);
        Assert.Contains("Sampling", e.Message);
        options.BeamWidth = 1;
        options.Sampling = new Core.Decoding.SamplingOptions { Temperature = -1f };
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.Seq2SeqTranslator(options));
        Assert.Contains("'Temperature' was -1", e.Message);
    }

    [Fact]
    public void An_empty_source_or_a_missing_target_at_training_is_named_by_column_and_row()
    {
        var ml = new MLContext(seed: 1);
        Pair[] rows = [.. Reversals(5, 3)];
        rows[3].Source = " ,  ".Replace(",", "");
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.Seq2SeqTranslator(Small(1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("Column 'Source', row 3: the source is empty (no tokens); every training pair needs a source.", e.Message);
        rows = [.. Reversals(5, 3)];
        rows[2].Target = "";
        e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.Seq2SeqTranslator(Small(1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("Column 'Target', row 2: the target is missing or empty; every training pair needs a target.", e.Message);
        var options = Small(1);
        options.MaxSourceLength = 0;
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.Seq2SeqTranslator(options));
        Assert.Contains("'MaxSourceLength' was 0", bad.Message);
    }
}
