using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceLabeling;

/// <summary>Character-level word features in the ML.NET labeler: unseen words labelled from their spelling, options, save/load.</summary>
public sealed class SequenceLabelerCharacterTests(ITestOutputHelper output)
{
    private const string Letters = "bcdfgklmnprstvz";

    /// <summary>
    /// Sentences of 3 to 6 made-up words whose tag is decided by the suffix alone: "-ing" is VERB, "-er" and "-ness"
    /// are NOUN, in random order so the context says nothing. Stems come from <paramref name="stems"/>.
    /// </summary>
    private static TagData.Row[] SuffixRows(int count, string[] stems, int seed)
    {
        var random = new Random(seed);
        string[] suffixes = ["ing", "er", "ness"];
        var rows = new TagData.Row[count];
        for (int r = 0; r < count; r++)
        {
            int length = 3 + random.Next(4);
            var words = new string[length];
            var tags = new string[length];
            for (int t = 0; t < length; t++)
            {
                string suffix = suffixes[random.Next(suffixes.Length)];
                words[t] = stems[random.Next(stems.Length)] + suffix;
                tags[t] = suffix == "ing" ? "VERB" : "NOUN";
            }
            rows[r] = new TagData.Row { Words = words, Tags = tags };
        }
        return rows;
    }

    private static string[] Stems(int count, int seed)
    {
        var random = new Random(seed);
        var stems = new HashSet<string>();
        while (stems.Count < count)
            stems.Add(new string(Enumerable.Range(0, 3 + random.Next(2)).Select(_ => Letters[random.Next(Letters.Length)]).ToArray()));
        return [.. stems.Order()];
    }

    private static SequenceLabeler.Options CharOptions(bool characters) => new()
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens", EmbeddingSize = 8, HiddenSize = 8, Epochs = 12, BatchSize = 16,
        LearningRate = 2e-2, ValidationFraction = 0, MinTokenCount = 1, Seed = 5,
        CharacterFeatures = characters, CharacterEmbeddingSize = 8, CharacterHiddenSize = 8,
    };

    /// <summary>Trains on stems A and scores on unseen stems B; the key map is fitted on all words, the labeler only on A's rows.</summary>
    private static (MLContext Ml, ITransformer Model, TagData.Row[] Test) Fit(bool characters)
    {
        var ml = new MLContext(seed: 1);
        string[] stems = Stems(40, seed: 7);
        TagData.Row[] train = SuffixRows(120, stems[..24], seed: 1), test = SuffixRows(40, stems[24..], seed: 2);
        ITransformer keys = TagData.Featurize(ml).Fit(ml.Data.LoadFromEnumerable(train.Concat(test)));
        ITransformer labeler = ml.Transforms.Recurrent.SequenceLabeler(CharOptions(characters)).Fit(keys.Transform(ml.Data.LoadFromEnumerable(train)));
        return (ml, keys.Append(labeler), test);
    }

    private static double Accuracy(MLContext ml, ITransformer model, TagData.Row[] rows)
    {
        uint[][] predicted = TagData.ReadKeys(model.Transform(ml.Data.LoadFromEnumerable(rows)), "PredictedLabels");
        uint[][] truth = TagData.ReadKeys(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Label");
        int right = 0, total = 0;
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < truth[r].Length; t++, total++)
                if (predicted[r][t] == truth[r][t]) right++;
        return (double)right / total;
    }

    [Fact]
    public void Words_never_seen_in_training_are_tagged_from_their_suffix_with_character_features_and_not_without()
    {
        (MLContext ml, ITransformer withChars, TagData.Row[] test) = Fit(characters: true);
        (_, ITransformer without, _) = Fit(characters: false);
        double accuracy = Accuracy(ml, withChars, test), baseline = Accuracy(ml, without, test);
        output.WriteLine($"unseen words: {accuracy:P1} with character features, {baseline:P1} without");
        Assert.True(accuracy >= 0.97, $"accuracy on unseen words {accuracy:P1}");
        Assert.True(baseline < 0.8, $"without character features every unseen word shares one embedding, yet {baseline:P1}");
    }

    [Fact]
    public void A_model_with_character_features_saves_and_loads_and_labels_identically()
    {
        (MLContext ml, ITransformer model, TagData.Row[] test) = Fit(characters: true);
        IDataView data = ml.Data.LoadFromEnumerable(test);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var fresh = new MLContext(seed: 9);
        ITransformer loaded = fresh.Model.Load(stream, out _);
        Assert.Equal(FrameData.ReadColumn(model.Transform(data), "Scores"), FrameData.ReadColumn(loaded.Transform(fresh.Data.LoadFromEnumerable(test)), "Scores"));
        var labeler = Assert.IsType<SequenceLabelingTransformer>(((TransformerChain<ITransformer>)loaded).Last());
        Assert.Equal(8, labeler.NetworkOptions.CharacterHiddenSize);
        Assert.True(labeler.NetworkOptions.CharacterFeatures);
        var e = Assert.Throws<InvalidOperationException>(labeler.CreateStream);
        Assert.Contains("CharacterFeatures", e.Message);
    }

    [Fact]
    public void A_key_column_without_key_values_is_refused_naming_the_column_and_the_option()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new KeyRow { Tokens = [1, 2, 3], Tags = ["a", "b", "a"] }, new KeyRow { Tokens = [2, 1], Tags = ["b", "a"] } };
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition[nameof(KeyRow.Tokens)].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), 5));
        IDataView view = ml.Transforms.Conversion.MapValueToKey("Label", nameof(KeyRow.Tags)).Fit(ml.Data.LoadFromEnumerable(rows, definition))
            .Transform(ml.Data.LoadFromEnumerable(rows, definition));
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.SequenceLabeler(CharOptions(true)).Fit(view));
        Assert.Contains("Column 'Tokens'", e.Message);
        Assert.Contains("keys without KeyValues", e.Message);
        Assert.Contains("CharacterFeatures", e.Message);
    }

    [Fact]
    public void A_frame_column_is_refused_with_character_features()
    {
        var ml = new MLContext(seed: 1);
        IDataView frames = FrameData.ToDataView(ml, [[1f, 2f, 3f, 4f]], FrameData.FramesType(2));
        var options = CharOptions(true);
        options.FeatureColumnName = "Features";
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.SequenceLabeler(options).GetOutputSchema(SchemaShapes.Create(frames.Schema)));
        Assert.Contains("Column 'Features'", e.Message);
        Assert.Contains("a vector of keys", e.Message);
    }

    [Theory]
    [InlineData(nameof(SequenceLabeler.Options.CharacterHiddenSize), "'CharacterHiddenSize' was 0; it must be positive")]
    [InlineData(nameof(SequenceLabeler.Options.CharacterEmbeddingSize), "'CharacterEmbeddingSize' was 0; it must be positive")]
    [InlineData(nameof(SequenceLabeler.Options.FrameSize), "'FrameSize' was 3; character features read token keys")]
    public void Bad_character_options_are_refused_when_the_estimator_is_made(string option, string message)
    {
        var options = CharOptions(true);
        switch (option)
        {
            case nameof(SequenceLabeler.Options.CharacterHiddenSize): options.CharacterHiddenSize = 0; break;
            case nameof(SequenceLabeler.Options.CharacterEmbeddingSize): options.CharacterEmbeddingSize = 0; break;
            default: options.FrameSize = 3; break;
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Recurrent.SequenceLabeler(options));
        Assert.Contains(message, e.Message);
    }

    private sealed class KeyRow
    {
        public uint[] Tokens { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }
}
