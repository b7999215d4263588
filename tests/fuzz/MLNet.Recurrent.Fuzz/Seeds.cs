using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Translation;

namespace MLNet.Recurrent.Fuzz;

/// <summary>
/// Writes the seed corpus: tiny models of each component trained on a few synthetic rows (seeded, so the same bytes
/// each time on one machine), saved as ML.NET zips (<c>templates/</c>), their recurrent entries (<c>zip/</c>), their engine
/// model files (<c>modelfile/</c>) and a few texts (<c>text/</c>).
/// </summary>
internal static class Seeds
{
    private static readonly byte[] Magic = [0x89, 0x4D, 0x4C, 0x4E, 0x52, 0x4E, 0x4E, 0x1A];

    public static int Write(string dir)
    {
        foreach (string sub in new[] { "templates", "zip", "modelfile", "text" }) Directory.CreateDirectory(Path.Combine(dir, sub));
        var ml = new MLContext(seed: 1);
        var zips = new List<(string Name, byte[] Zip)>
        {
            ("classifier", Classifier(ml)),
            ("labeller", Labeller(ml)),
            ("charlm", CharModel(ml)),
            ("translator", Translator(ml)),
            ("generator", Generator(ml)),
            ("forecaster", Forecaster(ml)),
        };
        zips.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < zips.Count; i++)
        {
            (string name, byte[] zip) = zips[i];
            File.WriteAllBytes(Path.Combine(dir, "templates", name + ".zip"), zip);
            byte[] entry = ComponentEntry(zip);
            File.WriteAllBytes(Path.Combine(dir, "zip", name), [(byte)i, .. entry]);
            int at = entry.AsSpan().IndexOf(Magic);
            int length = BitConverter.ToInt32(entry, at - 4);
            File.WriteAllBytes(Path.Combine(dir, "modelfile", name + ".bin"), entry[at..(at + length)]);
        }
        string[] texts = ["red w1 w2", "the cat sat on the mat.", "blue cat", " ", "ÿ\u00e9t\u00e9 \u65e5\u672c \U0001F600 \t\r\n  x", "<unk> <pad> </s> <s>"];
        for (int i = 0; i < texts.Length; i++) File.WriteAllText(Path.Combine(dir, "text", $"text{i}.txt"), texts[i]);
        Console.WriteLine($"Wrote {zips.Count} templates and their seeds to {dir}.");
        return 0;
    }

    private static byte[] ComponentEntry(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            if (copy.ToArray().AsSpan().IndexOf(Magic) >= 0) return copy.ToArray();
        }
        throw new InvalidOperationException("No recurrent component in the zip.");
    }

    private static byte[] Save(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    private sealed class Sentence
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static byte[] Classifier(MLContext ml)
    {
        var random = new Random(1);
        string[] colours = ["red", "green", "blue"];
        var rows = Enumerable.Range(0, 60).Select(i => new Sentence { Text = $"w{random.Next(9)} {colours[i % 3]} w{random.Next(9)}", Label = "RGB"[i % 3].ToString() });
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
            {
                FeatureColumnName = "Tokens", Cell = CellType.Lstm, EmbeddingSize = 4, HiddenSize = 6, Epochs = 1, BatchSize = 16,
                ValidationFraction = 0, MinTokenCount = 1, Seed = 3,
            })).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private sealed class Tagged
    {
        public string[] Words { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private static byte[] Labeller(MLContext ml)
    {
        var rows = Enumerable.Range(0, 30).Select(i => i % 2 == 0
            ? new Tagged { Words = ["the", "cat", "runs"], Tags = ["DET", "NOUN", "VERB"] }
            : new Tagged { Words = ["a", "fish", "fish"], Tags = ["DET", "NOUN", "VERB"] });
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Tokens", "Words")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Tags"))
            .Append(ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
            {
                FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 6, Epochs = 1, BatchSize = 8, ValidationFraction = 0,
                MinTokenCount = 1, Seed = 3, OutputLayer = Core.Models.SequenceOutputLayer.Crf,
            })).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private static byte[] CharModel(MLContext ml)
    {
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new TextRow { Text = $"the cat sat on mat {i % 7}." }));
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", new CharLanguageModelTrainer.Options
        {
            HiddenSize = 8, Layers = 1, EmbeddingSize = 4, Steps = 2, BatchSize = 2, SequenceLength = 8, EvaluateEvery = 2, Seed = 1,
        }).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    private static byte[] Translator(MLContext ml)
    {
        string[] words = ["red", "blue", "cat", "dog"];
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i =>
            new Pair { Source = $"{words[i % 4]} {words[(i / 4) % 4]}", Target = $"{words[(i / 4) % 4].ToUpperInvariant()} {words[i % 4].ToUpperInvariant()} ." }));
        var model = ml.Transforms.Recurrent.Seq2SeqTranslator(new Seq2SeqTranslator.Options
        {
            SourceColumnName = "Source", TargetColumnName = "Target", OutputColumnName = "Translation",
            EmbeddingSize = 4, HiddenSize = 6, MinTokenCount = 1, BatchSize = 8, Epochs = 1, ValidationFraction = 0, Seed = 3,
        }).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private sealed class Example
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public string Text { get; set; } = "";
    }

    private static byte[] Generator(MLContext ml)
    {
        string[] sentences = ["a fine day .", "the cat sat", "no !"];
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 12).Select(i => new Example
        {
            Features = [.. Enumerable.Range(0, 3).Select(j => j == i % 3 ? 1f : 0f)], Text = sentences[i % 3],
        }));
        var model = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
        {
            EmbeddingSize = 4, HiddenSize = 6, Epochs = 1, BatchSize = 4, MinTokenCount = 1, ValidationFraction = 0, Seed = 2,
        }).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private sealed class Step
    {
        public float Value { get; set; }
    }

    private static byte[] Forecaster(MLContext ml)
    {
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 120).Select(t => new Step { Value = (float)Math.Sin(t / 5.0) }));
        var model = ml.Transforms.Recurrent.EchoStateForecaster(new EchoStateForecaster.Options
        {
            Horizon = 2, ReservoirSize = 12, SpectralRadius = 0.9, LeakRate = 0.3, Ridge = 1e-5, Washout = 10, Seed = 4,
        }).Fit(data);
        return Save(ml, model, data.Schema);
    }
}
