using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using MLNet.Recurrent.Translation;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, resource limits (<see cref="RecurrentLimits"/>) for every component, at fit and at load: a label declaring
/// more tags than the limit, a token column declaring 2^30 keys, training data whose vocabulary would pass the limit,
/// training rows past the step limit, and saved models claiming more classes or a larger vocabulary than the limits
/// allow each raise a clear error naming the column, option or entry, the value and the limit, before anything is
/// sized by the number. (The classifier's declared key and class counts: <see cref="DeclaredSizeLimitTests"/>.)
/// </summary>
public sealed class ComponentLimitTests
{
    private const int Max = RecurrentLimits.MaxVocabularySize;

    private sealed class TagRow
    {
        public uint[] Tokens { get; set; } = [];

        public uint[] Label { get; set; } = [];
    }

    private static IDataView TagRows(MLContext ml, ulong keyCount, ulong tagCount)
    {
        var schema = SchemaDefinition.Create(typeof(TagRow));
        schema["Tokens"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), keyCount));
        schema["Label"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), tagCount));
        TagRow[] rows = [new() { Tokens = [1, 2, 3], Label = [1, 2, 1] }, new() { Tokens = [2, 3], Label = [2, 2] }];
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static T Fails<T>(Action fit, out long allocated) where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<T>(fit);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return e;
    }

    // ---- the labeller's declared sizes ----

    [Theory]
    [InlineData(SequenceOutputLayer.Softmax, 70_000UL, "at most 65536 tags (RecurrentLimits.MaxClassCount); it declares 70000")]
    [InlineData(SequenceOutputLayer.Crf, 5_000UL, "at most 4096 tags with OutputLayer = Crf (RecurrentLimits.MaxCrfTagCount")]
    public void Labeller_tags_above_the_limit_are_rejected_naming_the_label_before_anything_is_sized_by_them(SequenceOutputLayer layer, ulong tags, string expected)
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.Recurrent.SequenceLabeler(SequenceLabelerTests.SmallOptions(layer));
        var e = Fails<ArgumentOutOfRangeException>(() => estimator.Fit(TagRows(ml, 10, tags)), out long allocated);
        Assert.Contains("Column 'Label'", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.True(allocated < 16 << 20, $"fitting allocated {allocated:N0} bytes before failing");
    }

    [Fact]
    public void Labeller_key_column_declaring_2_to_the_30_keys_is_rejected_before_allocating_per_key()
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.Recurrent.SequenceLabeler(SequenceLabelerTests.SmallOptions());
        var e = Fails<ArgumentOutOfRangeException>(() => estimator.Fit(TagRows(ml, 1UL << 30, 3)), out long allocated);
        Assert.Contains("Column 'Tokens'", e.Message);
        Assert.Contains("at most 16777216 keys (RecurrentLimits.MaxKeyCount; hash to at most 24 bits); it declares 1073741824", e.Message);
        Assert.True(allocated < 64 << 20, $"fitting allocated {allocated:N0} bytes before failing");
    }

    // ---- vocabularies built at training ----

    private sealed class ClassRow
    {
        public uint[] Tokens { get; set; } = [];

        public uint Label { get; set; }
    }

    [Fact]
    public void Classifier_refuses_to_keep_more_token_ids_than_the_vocabulary_limit_naming_the_column()
    {
        // One row at the step limit holding every key once: Max kept keys + the unknown id is one id too many.
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(ClassRow));
        schema["Tokens"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), (ulong)Max));
        schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), 2);
        ClassRow[] rows = [new() { Tokens = [.. Enumerable.Range(1, Max).Select(k => (uint)k)], Label = 1 }, new() { Tokens = [1, 2], Label = 2 }];
        LstmSequenceClassifier.Options options = SentenceData.SmallOptions(epochs: 1);
        options.MinTokenCount = 1;
        options.MaxSequenceLength = 0;
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(options);
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(rows, schema)));
        Assert.Contains($"Column 'Tokens': {Max} of the {Max} keys are seen at least 1 times; the network would embed {Max + 1} ids", e.Message);
        Assert.Contains("at most 1048576 (RecurrentLimits.MaxVocabularySize)", e.Message);
    }

    /// <summary>The first <paramref name="count"/> Unicode scalar values above the ASCII controls, none U+FFFD or white space.</summary>
    private static IEnumerable<string> DistinctCharacters(int count)
    {
        int added = 0;
        for (int v = 0x21; added < count; v++)
        {
            if (v is >= 0xD800 and <= 0xDFFF || v == 0xFFFD || Rune.IsWhiteSpace(new Rune(v))) continue;
            added++;
            yield return new Rune(v).ToString();
        }
    }

    [Fact]
    public void Character_model_refuses_text_with_more_distinct_characters_than_the_limit_naming_the_column_and_option()
    {
        var ml = new MLContext(seed: 1);
        string[] characters = [.. DistinctCharacters(Max)]; // + the unknown symbol: one id too many
        var rows = characters.Chunk(Max / 4).Select(c => new ConcurrencyTests.TextRow { Text = string.Concat(c) });
        var estimator = ml.Transforms.Recurrent.CharLanguageModel("Text", new CharLanguageModelTrainer.Options { Steps = 1, BatchSize = 1, SequenceLength = 8, Seed = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains($"Column 'Text': the text holds more than {Max - 1} distinct characters", e.Message);
        Assert.Contains("at most 1048576 ids, the unknown symbol included (RecurrentLimits.MaxVocabularySize); set 'MaxVocabularySize'", e.Message);

        var option = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.CharLanguageModel("Text", new CharLanguageModelTrainer.Options { MaxVocabularySize = Max + 1 }));
        Assert.Contains("'MaxVocabularySize' was 1048577; it must be at most 1048576", option.Message);
    }

    [Fact]
    public void Labeller_refuses_spelling_characters_past_the_vocabulary_limit_naming_the_column()
    {
        // One training word spelled with every character: with padding and unknown, one character id too many.
        var ml = new MLContext(seed: 1);
        string word = string.Concat(DistinctCharacters(Max - 1));
        TagData.Row[] rows = [new() { Words = [word, "cat"], Tags = ["NOUN", "VERB"] }, new() { Words = ["cat"], Tags = ["NOUN"] }];
        SequenceLabeler.Options options = SequenceLabelerTests.SmallOptions();
        options.CharacterFeatures = true;
        var e = Assert.Throws<InvalidOperationException>(() => TagData.Featurize(ml).Append(ml.Transforms.Recurrent.SequenceLabeler(options)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains($"Column 'Tokens': the training words (its KeyValues) hold more than {Max - 2} distinct characters", e.Message);
        Assert.Contains("at most 1048576 character ids, padding and unknown included (RecurrentLimits.MaxVocabularySize)", e.Message);
    }

    /// <summary>Rows of 64 tokens that together hold <paramref name="distinct"/> distinct tokens, each once.</summary>
    private static IEnumerable<string> DistinctTokenRows(int distinct) =>
        Enumerable.Range(0, distinct).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Chunk(64).Select(c => string.Join(' ', c));

    [Fact]
    public void Translator_refuses_a_source_vocabulary_past_the_limit_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        var pairs = DistinctTokenRows(Max - 3).Select(s => new SavedSequenceComponents.Pair { Source = s, Target = "x" });
        var estimator = ml.Transforms.Recurrent.Seq2SeqTranslator(new Seq2SeqTranslator.Options { MinTokenCount = 1, Epochs = 1, Seed = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(pairs)));
        Assert.Contains($"Column 'Source': The training text holds more than {Max - 4} distinct tokens seen at least 1 times", e.Message);
        Assert.Contains("at most 1048576 ids (RecurrentLimits.MaxVocabularySize)", e.Message);
        Assert.Contains("(option 'MinTokenCount' was 1)", e.Message);
    }

    [Fact]
    public void Conditioned_generator_refuses_a_vocabulary_past_the_limit_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        var examples = DistinctTokenRows(Max - 3).Select((t, i) => new SavedSequenceComponents.Example { Features = [i % 2, 1, 0], Text = t });
        var estimator = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options { MinTokenCount = 1, MaxLength = 64, Epochs = 1, Seed = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(examples)));
        Assert.Contains($"Column 'Text': The training text holds more than {Max - 4} distinct tokens", e.Message);
    }

    // ---- training rows: the step limit, and nothing cut silently ----

    [Fact]
    public void Translator_training_rows_past_the_step_limit_are_refused_naming_the_column_and_row()
    {
        var ml = new MLContext(seed: 1);
        SavedSequenceComponents.Pair[] pairs = [new() { Source = "red cat", Target = "RED CAT" }, new() { Source = "blue dog", Target = new string('a', RecurrentLimits.MaxSteps + 1) }];
        var estimator = ml.Transforms.Recurrent.Seq2SeqTranslator(new Seq2SeqTranslator.Options { MinTokenCount = 1, Epochs = 1, Seed = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(pairs)));
        Assert.Contains("Column 'Target', row 1: it holds 1048577 characters; a row may hold at most 1048576", e.Message);
    }

    [Fact]
    public void Conditioned_generator_training_rows_past_the_step_limit_are_refused_and_cut_targets_are_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        SavedSequenceComponents.Example[] examples =
        [
            new() { Features = [1, 0, 0], Text = "a fine day" },
            new() { Features = [0, 1, 0], Text = "the cat sat on the mat" },
            new() { Features = [0, 0, 1], Text = "no" },
            new() { Features = [1, 1, 0], Text = "one two three four" },
        ];
        var options = new ConditionedTextGenerator.Options { EmbeddingSize = 4, HiddenSize = 4, MinTokenCount = 1, MaxLength = 3, Epochs = 1, BatchSize = 2, ValidationFraction = 0, Seed = 1 };
        ml.Transforms.Recurrent.ConditionedTextGenerator(options).Fit(ml.Data.LoadFromEnumerable(examples));
        Assert.Contains(messages, m => m.Contains("cut 2 targets (column 'Text') longer than MaxLength = 3 tokens (first: row 1)", StringComparison.Ordinal));

        examples[3].Text = new string('a', RecurrentLimits.MaxSteps + 1);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.ConditionedTextGenerator(options).Fit(ml.Data.LoadFromEnumerable(examples)));
        Assert.Contains("Column 'Text', row 3: it holds 1048577 characters; a row may hold at most 1048576", e.Message);
    }

    // ---- loading: saved models claiming more than the limits ----

    private static T LoadBlob<T>(byte[] blob) where T : RecurrentTransformerBase, IRecurrentComponent<T> =>
        T.Load(new MLContext(seed: 1), new ComponentBlob(new BinaryReader(new MemoryStream(blob)), T.Version.Version));

    /// <summary>A token network's model file, as the classifier (per sequence) or the labeller (per step) writes it, with <paramref name="classes"/> class names.</summary>
    private static byte[] NetworkFile(bool perStep, int classes, string tokenIdsKey)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions { InputVocabularySize = 3, EmbeddingSize = 2, HiddenSize = 2, Layers = 1, PerStepOutput = perStep, OutputSize = classes });
        network.Initialize(1);
        var file = new ModelFile();
        network.WriteTo(file);
        file.AddVocabulary("classes", Enumerable.Range(0, classes).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        file.Configuration.Set(tokenIdsKey, [0, 1, 2]);
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    private static byte[] Blob(Action<BinaryWriter> header, byte[] file)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            header(w);
            w.Write(file.Length);
            w.Write(file);
        }
        return stream.ToArray();
    }

    [Fact]
    public void A_saved_classifier_naming_more_classes_than_the_limit_is_rejected_before_its_network_is_built()
    {
        Assert.NotNull(LoadBlob<SequenceClassificationTransformer>(Blob(w => { w.Write("Tokens"); w.Write(false); w.Write(0); }, NetworkFile(false, 3, "classifier.tokenIds"))));
        byte[] blob = Blob(w => { w.Write("Tokens"); w.Write(false); w.Write(0); }, NetworkFile(false, RecurrentLimits.MaxClassCount + 1, "classifier.tokenIds"));
        var e = Assert.Throws<InvalidDataException>(() => LoadBlob<SequenceClassificationTransformer>(blob));
        Assert.Contains("the \"classes\" vocabulary holds 65537 entries; a model may hold at most 65536 (RecurrentLimits.MaxClassCount)", e.Message);
    }

    [Fact]
    public void A_saved_labeller_naming_more_tags_than_the_limit_is_rejected_before_its_network_is_built()
    {
        Assert.NotNull(LoadBlob<SequenceLabelingTransformer>(Blob(w => w.Write("Tokens"), NetworkFile(true, 3, "labeler.tokenIds"))));
        byte[] blob = Blob(w => w.Write("Tokens"), NetworkFile(true, RecurrentLimits.MaxClassCount + 1, "labeler.tokenIds"));
        var e = Assert.Throws<InvalidDataException>(() => LoadBlob<SequenceLabelingTransformer>(blob));
        Assert.Contains("the \"classes\" vocabulary holds 65537 entries; a model may hold at most 65536 (RecurrentLimits.MaxClassCount)", e.Message);
    }
}
