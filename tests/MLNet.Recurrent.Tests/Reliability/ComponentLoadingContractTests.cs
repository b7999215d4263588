using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using MLNet.Recurrent.Translation;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>The labeller, translator and conditioned generator, each trained for one epoch on a few rows and saved once.</summary>
public sealed class SavedSequenceComponents
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    public sealed class Example
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public string Text { get; set; } = "";
    }

    /// <summary>Fits and saves the three components; each untouched copy loads.</summary>
    public SavedSequenceComponents()
    {
        var ml = new MLContext(seed: 1);
        IDataView tags = ml.Data.LoadFromEnumerable(TagData.Make(30, seed: 1));
        var labeller = TagData.Featurize(ml).Append(ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
        {
            FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 6, Epochs = 1, BatchSize = 8, ValidationFraction = 0, MinTokenCount = 1, Seed = 3,
        })).Fit(tags);
        Zips["labeller"] = CraftedModels.Save(ml, labeller, tags.Schema);

        string[] words = ["red", "blue", "cat", "dog"];
        IDataView pairs = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 16).Select(i =>
            new Pair { Source = $"{words[i % 4]} {words[i / 4]}", Target = $"{words[i / 4].ToUpperInvariant()} {words[i % 4].ToUpperInvariant()}" }));
        var translator = ml.Transforms.Recurrent.Seq2SeqTranslator(new Seq2SeqTranslator.Options
        {
            EmbeddingSize = 4, HiddenSize = 6, MinTokenCount = 1, BatchSize = 8, Epochs = 1, ValidationFraction = 0, Seed = 3,
        }).Fit(pairs);
        Zips["translator"] = CraftedModels.Save(ml, translator, pairs.Schema);

        string[] sentences = ["a fine day .", "the cat sat", "no !"];
        IDataView examples = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 12).Select(i => new Example
        {
            Features = [.. Enumerable.Range(0, 3).Select(j => j == i % 3 ? 1f : 0f)], Text = sentences[i % 3],
        }));
        var generator = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
        {
            EmbeddingSize = 4, HiddenSize = 6, Epochs = 1, BatchSize = 4, MinTokenCount = 1, ValidationFraction = 0, Seed = 2,
        }).Fit(examples);
        Zips["generator"] = CraftedModels.Save(ml, generator, examples.Schema);
        foreach (byte[] zip in Zips.Values) Assert.NotNull(CraftedModels.Load(zip));
    }

    /// <summary>The saved zips by component.</summary>
    public Dictionary<string, byte[]> Zips { get; } = [];
}

/// <summary>
/// Issue 14, the one loading contract for the labeller, translator and conditioned generator (as
/// <see cref="ModelLoadingContractTests"/> for the classifier): truncated entries, length prefixes beyond the bytes,
/// missing or wrongly typed configuration entries, NaN weights, vocabularies that do not fit the network and
/// out-of-range blob fields each raise <see cref="InvalidDataException"/> (under ML.NET's reflection wrappers) naming what was wrong.
/// </summary>
public sealed class ComponentLoadingContractTests(SavedSequenceComponents saved) : IClassFixture<SavedSequenceComponents>
{
    private static InvalidDataException LoadFails(byte[] zip)
    {
        Exception e = Assert.ThrowsAny<Exception>(() => CraftedModels.Load(zip));
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        return Assert.IsType<InvalidDataException>(e);
    }

    /// <summary>A configuration key each component's network file has.</summary>
    private static string HiddenSizeKey(string component) => component == "labeller" ? "network.hiddenSize" : "seq2seq.hiddenSize";

    [Theory]
    [InlineData("labeller", 0.1)]
    [InlineData("labeller", 0.6)]
    [InlineData("translator", 0.1)]
    [InlineData("translator", 0.6)]
    [InlineData("generator", 0.1)]
    [InlineData("generator", 0.99)]
    public void A_truncated_model_file_raises_InvalidDataException(string component, double kept)
    {
        // The length prefix says the file ends early, so the reader sees a truncated file (the entry keeps its
        // length: a shorter entry is damage to ML.NET's own framing, which ML.NET reports).
        byte[] zip = CraftedModels.EditEntry(saved.Zips[component], (bytes, at) =>
            BitConverter.TryWriteBytes(bytes.AsSpan(at - 4), (int)(BitConverter.ToInt32(bytes, at - 4) * kept)));
        LoadFails(zip);
    }

    [Theory]
    [InlineData("labeller")]
    [InlineData("translator")]
    [InlineData("generator")]
    public void A_length_prefix_beyond_the_bytes_left_is_rejected_before_anything_is_allocated(string component)
    {
        byte[] zip = CraftedModels.EditEntry(saved.Zips[component], (bytes, at) => BitConverter.TryWriteBytes(bytes.AsSpan(at - 4), int.MaxValue));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = LoadFails(zip).Message;
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
        Assert.Contains("2147483647", message);
    }

    [Theory]
    [InlineData("labeller")]
    [InlineData("translator")]
    [InlineData("generator")]
    public void A_missing_configuration_entry_is_named(string component)
    {
        string key = HiddenSizeKey(component);
        byte[] zip = CraftedModels.ReplaceText(saved.Zips[component], key, key[..^1] + "#");
        Assert.Contains(key, LoadFails(zip).Message);
    }

    [Theory]
    [InlineData("labeller")]
    [InlineData("translator")]
    [InlineData("generator")]
    public void A_configuration_entry_of_the_wrong_kind_is_named(string component)
    {
        string key = HiddenSizeKey(component);
        byte[] zip = CraftedModels.EditModelFile(saved.Zips[component], file => file.Configuration.Set(key, 6f)); // same length, another kind
        Assert.Contains(key, LoadFails(zip).Message);
    }

    [Theory]
    [InlineData("labeller")]
    [InlineData("translator")]
    [InlineData("generator")]
    public void A_NaN_weight_is_named(string component)
    {
        string name = "";
        byte[] zip = CraftedModels.EditModelFile(saved.Zips[component], file =>
        {
            NamedTensor p = file.Parameters[^1];
            name = p.Name;
            p.Data[0] = float.NaN;
        });
        string message = LoadFails(zip).Message;
        Assert.Contains(name, message);
        Assert.Contains("was NaN", message);
    }

    [Theory]
    [InlineData("labeller", "classes")]
    [InlineData("translator", "source")]
    [InlineData("translator", "target")]
    [InlineData("generator", "target")]
    public void A_vocabulary_that_does_not_fit_the_network_is_named(string component, string vocabulary)
    {
        byte[] zip = CraftedModels.RewriteVocabularies(saved.Zips[component], (name, tokens) => name == vocabulary ? tokens[..^1] : tokens);
        string message = LoadFails(zip).Message;
        Assert.Contains($"\"{vocabulary}\" vocabulary has", message);
    }

    [Fact]
    public void A_labeller_token_id_outside_the_embedding_is_rejected_at_load()
    {
        byte[] zip = CraftedModels.EditModelFile(saved.Zips["labeller"], file =>
        {
            int[] ids = file.Configuration.GetInt32Array("labeler.tokenIds");
            ids[1] = -5;
            file.Configuration.Set("labeler.tokenIds", ids);
        });
        string message = LoadFails(zip).Message;
        Assert.Contains("labeler.tokenIds", message);
        Assert.Contains("-5", message);
    }

    [Theory]
    [InlineData("translator", 5, 0, "beam width was 0")] // the int32 before the "no sampling options" Boolean and the length prefix
    [InlineData("translator", 9, -3, "maximum source length was -3")]
    [InlineData("translator", 14, 9, "tokenizer mode was 9")] // then a Boolean (lower-case)
    [InlineData("generator", 4, 5, "condition vector size was 5")]
    [InlineData("generator", 8, 0, "maximum length was 0")]
    [InlineData("generator", 12, 9, "tokenizer mode was 9")]
    public void A_blob_field_out_of_range_is_named(string component, int before, int value, string expected)
    {
        byte[] zip = CraftedModels.EditEntry(saved.Zips[component], (bytes, at) => BitConverter.TryWriteBytes(bytes.AsSpan(at - 4 - before), value));
        Assert.Contains(expected, LoadFails(zip).Message);
    }
}

/// <summary>The translator refuses a source longer than the step limit before tokenizing it (issue 14, resource limits).</summary>
public sealed class TranslatorSourceLimitTests(SavedSequenceComponents saved) : IClassFixture<SavedSequenceComponents>
{
    private sealed class Translated
    {
        public string Translation { get; set; } = "";
    }

    [Fact]
    public void A_source_longer_than_the_maximum_is_refused_naming_the_column_the_row_and_the_limit()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = CraftedModels.Load(saved.Zips["translator"]);
        var rows = new[] { new SavedSequenceComponents.Pair { Source = "red cat" }, new SavedSequenceComponents.Pair { Source = new string('a', MLNet.Recurrent.Core.Text.RecurrentLimits.MaxSteps + 1) } };
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        Exception e = Assert.ThrowsAny<Exception>(() => ml.Data.CreateEnumerable<Translated>(scored, reuseRowObject: false).ToList());
        while (e.InnerException is { } inner) e = inner; // ML.NET may read on a worker thread and wrap what it throws
        Assert.IsType<InvalidOperationException>(e);
        Assert.StartsWith("Column 'Source', row 1: it holds 1048577 characters; a row may hold at most 1048576", e.Message);
    }
}

/// <summary>
/// Seeded mutations of the labeller's, translator's and generator's engine model files inside their zips (checksum
/// repaired), as <see cref="ModelZipMutationTests"/> for the classifier: each loads or raises the contract's
/// <see cref="InvalidDataException"/>, within an allocation bound.
/// </summary>
public sealed class ComponentZipMutationTests(SavedSequenceComponents saved) : IClassFixture<SavedSequenceComponents>
{
    [Theory]
    [InlineData("labeller")]
    [InlineData("translator")]
    [InlineData("generator")]
    public void Every_seeded_mutation_loads_or_raises_InvalidDataException_within_the_allocation_bound(string component)
    {
        var random = new Random(14);
        int rejected = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] zip = CraftedModels.EditModelBytes(saved.Zips[component], file =>
            {
                int at = random.Next(20, file.Length - 8);
                if (random.Next(2) == 0) file[at] ^= (byte)(1 << random.Next(8));
                else BitConverter.TryWriteBytes(file[at..], random.Next(3) switch { 0 => -1, 1 => int.MaxValue, _ => 1 << 30 });
            });
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                CraftedModels.Load(zip);
            }
            catch (Exception e)
            {
                while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
                Assert.True(e is InvalidDataException, $"{component}, mutation {i} raised {e.GetType().Name}: {e.Message}");
                rejected++;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64 << 20, $"{component}, mutation {i} allocated {allocated:N0} bytes");
        }
        Assert.True(rejected > 30, $"only {rejected} of 300 rejected");
    }
}
