using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Translation;

namespace MLNet.Recurrent.Tests.Translation;

public sealed class ConditionedTextGeneratorTests
{
    public sealed class Example
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public string Text { get; set; } = "";
    }

    public sealed class GeneratedRow
    {
        public string Generated { get; set; } = "";
    }

    private static readonly string[] s_sentences = ["a fine day .", "the cat sat down", "no , never again !"];

    [Fact]
    public void It_learns_one_sentence_per_condition_and_generates_the_same_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        var examples = Enumerable.Range(0, 150).Select(i => new Example
        {
            Features = [.. Enumerable.Range(0, 3).Select(j => j == i % 3 ? 1f : 0f)],
            Text = s_sentences[i % 3],
        }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(examples);
        var model = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
        {
            EmbeddingSize = 8, HiddenSize = 16, Epochs = 15, LearningRate = 1e-2, BatchSize = 16, MinTokenCount = 1, ValidationFraction = 0, Seed = 2,
        }).Fit(data);
        string[] generated = ml.Data.CreateEnumerable<GeneratedRow>(model.Transform(data), reuseRowObject: false).Take(3).Select(g => g.Generated).ToArray();
        Assert.Equal(s_sentences, generated);

        string path = Path.Combine(Directory.CreateTempSubdirectory("mlnet-recurrent-condgen-").FullName, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var loaded = (ConditionedTextGeneratorTransformer)new MLContext().Model.Load(path, out _);
        Assert.Equal(s_sentences[1], loaded.Generate([0f, 1f, 0f]));
        var sampling = new MLNet.Recurrent.Core.Decoding.SamplingOptions { Temperature = 2f, Seed = 4 };
        Assert.Equal(model.Generate([0.5f, 0.5f, 0f], sampling), loaded.Generate([0.5f, 0.5f, 0f], sampling));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_one_hot_vector_chooses_the_last_word_after_a_shared_prefix_and_the_option_survives_save_and_load(bool everyStep)
    {
        string[] sentences = ["the colour is red", "the colour is blue", "the colour is green"];
        var ml = new MLContext(seed: 1);
        var examples = Enumerable.Range(0, 150).Select(i => new Example
        {
            Features = [.. Enumerable.Range(0, 3).Select(j => j == i % 3 ? 1f : 0f)],
            Text = sentences[i % 3],
        }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(examples);
        var model = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
        {
            EmbeddingSize = 8, HiddenSize = 16, Epochs = 12, LearningRate = 1e-2, BatchSize = 16, MinTokenCount = 1, ValidationFraction = 0, Seed = 3,
            ConditionEveryStep = everyStep,
        }).Fit(data);
        Assert.Equal(sentences, Enumerable.Range(0, 3).Select(k => model.Generate([.. Enumerable.Range(0, 3).Select(j => j == k ? 1f : 0f)])));
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = (ConditionedTextGeneratorTransformer)new MLContext().Model.Load(stream, out _);
        Assert.Equal(everyStep, loaded.NetworkOptions.ConditionEveryStep);
        var sampling = new MLNet.Recurrent.Core.Decoding.SamplingOptions { Temperature = 2f, Seed = 4 };
        Assert.Equal(model.Generate([0.2f, 0.5f, 0.3f], sampling), loaded.Generate([0.2f, 0.5f, 0.3f], sampling));
    }

    [Fact]
    public void A_missing_target_at_training_is_named_by_column_and_row()
    {
        var ml = new MLContext(seed: 1);
        var examples = new[] { new Example { Features = [1, 0, 0], Text = "yes" }, new Example { Features = [0, 1, 0], Text = "  " } };
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.ConditionedTextGenerator().Fit(ml.Data.LoadFromEnumerable(examples)));
        Assert.Equal("Column 'Text', row 1: the target is missing or empty; every training example needs a target.", e.Message);
    }
}
