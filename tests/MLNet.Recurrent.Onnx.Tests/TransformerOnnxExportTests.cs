using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceClassification;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Onnx.Tests;

public sealed class TransformerOnnxExportTests
{
    private const float Tolerance = 1e-5f;

    private sealed class Sentence
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Frames
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    [Fact]
    public void an_exported_token_classifier_gives_ml_nets_scores_and_predicted_keys_in_onnx_runtime()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Sentences(120, seed: 11));
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
            {
                FeatureColumnName = "Tokens", Cell = CellType.Gru, EmbeddingSize = 6, HiddenSize = 8, Layers = 2, Bidirectional = true,
                Pooling = SequencePoolingMode.Max, Epochs = 3, BatchSize = 16, ValidationFraction = 0, MinTokenCount = 3, MaxSequenceLength = 5, Seed = 3,
            }));
        var model = pipeline.Fit(train);
        // Unseen words (missing keys), rare words (the unknown id) and rows longer than the cap of 5.
        var test = Sentences(30, seed: 12);
        test[0].Text = "qqq red zzz";
        test[1].Text = "w1 w2 w3 w4 w5 w6 w7 w8 blue";
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        var classifier = model.OfType<SequenceClassificationTransformer>().Single();

        uint[][] keys = Column<VBuffer<uint>>(scored, "Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
        float[][] scores = Column<VBuffer<float>>(scored, "Score").Select(v => v.DenseValues().ToArray()).ToArray();
        uint[] predicted = Column<uint>(scored, "PredictedLabel");
        int steps = keys.Max(k => k.Length), b = keys.Length;
        var tokens = new long[b * steps];
        for (int r = 0; r < b; r++)
            for (int t = 0; t < keys[r].Length; t++) tokens[r * steps + t] = keys[r][t];

        var outputs = Run(Export(classifier), Int64("Tokens", tokens, b, steps), Int32(OnnxTensorNames.Lengths, keys.Select(k => k.Length).ToArray(), b));

        Assert.Contains(keys, k => k.Contains(0u)); // the missing-key path was exercised
        Assert.True(MaxDifference(scores.SelectMany(s => s).ToArray(), outputs["Score"].Data, "Score") <= Tolerance);
        Assert.Equal(predicted.Select(p => (float)p).ToArray(), outputs["PredictedLabel"].Data);
    }

    [Fact]
    public void a_classifier_with_a_side_input_or_a_temperature_is_refused_naming_what_the_export_would_lose()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Sentences(60, seed: 13));
        LstmSequenceClassifier.Options Options(string? side, bool temperature) => new()
        {
            FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, BatchSize = 16, ValidationFraction = 0.2,
            MinTokenCount = 1, Seed = 3, SideColumnName = side, TemperatureScaling = temperature,
        };
        SequenceClassificationTransformer Fit(string? side, bool temperature) => ml.Transforms.Text.FeaturizeText("NGrams", "Text")
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(Options(side, temperature)))
            .Fit(train).OfType<SequenceClassificationTransformer>().Single();

        var side = Assert.Throws<ArgumentException>(() => Export(Fit("NGrams", temperature: false)));
        Assert.Contains("'NGrams'", side.Message);
        Assert.Contains("side input", side.Message);
        var scaled = Fit(null, temperature: true);
        var temperature = Assert.Throws<ArgumentException>(() => Export(scaled));
        Assert.Contains(scaled.Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture), temperature.Message);
    }

    [Fact]
    public void an_exported_binary_frame_classifier_gives_ml_nets_log_odds_probability_and_label()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(FrameRows(100, seed: 21));
        var model = ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
        {
            FrameSize = 2, Cell = CellType.Lstm, HiddenSize = 8, Layers = 1, Pooling = SequencePoolingMode.Last, Epochs = 4, BatchSize = 16,
            ValidationFraction = 0, Seed = 5,
        }).Fit(train);
        var test = FrameRows(25, seed: 22);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));

        int steps = test.Max(r => r.Features.Length / 2), b = test.Length;
        var frames = new float[b * steps * 2];
        for (int r = 0; r < b; r++) test[r].Features.CopyTo(frames, r * steps * 2);
        var outputs = Run(Export(model), Float("Features", frames, b, steps, 2), Int32(OnnxTensorNames.Lengths, test.Select(r => r.Features.Length / 2).ToArray(), b));

        Assert.True(MaxDifference(Column<float>(scored, "Score"), outputs["Score"].Data, "Score (log-odds)") <= Tolerance);
        Assert.True(MaxDifference(Column<float>(scored, "Probability"), outputs["Probability"].Data, "Probability") <= Tolerance);
        Assert.Equal(Column<bool>(scored, "PredictedLabel").Select(p => p ? 1f : 0f).ToArray(), outputs["PredictedLabel"].Data);
    }

    [Fact]
    public void an_exported_character_model_scores_text_from_its_own_metadata_as_ml_net_does()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new Line { Text = $"the cat {i % 7} sat on the mat." }).ToArray();
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", new LanguageModel.CharLanguageModelTrainer.Options
        {
            Cell = CellType.Gru, HiddenSize = 10, Layers = 2, EmbeddingSize = 6, Steps = 20, BatchSize = 4, SequenceLength = 16, EvaluateEvery = 20, Seed = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        const string text = "the mat sat on the cat? \u00e9";
        float expected = ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadFromEnumerable([new Line { Text = text }])), false).Single().LogLikelihood;
        byte[] onnx;
        using (var stream = new MemoryStream())
        {
            model.ExportToOnnx(stream);
            onnx = stream.ToArray();
        }

        // Everything a caller needs to turn text into ids is in the model's metadata.
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var symbols = metadata["mlnet_recurrent.vocabulary"].EnumerateRunes().ToList();
        int unknown = int.Parse(metadata["mlnet_recurrent.unknown_id"], System.Globalization.CultureInfo.InvariantCulture);
        int Id(System.Text.Rune r) => symbols.IndexOf(r) is var i && i >= 0 ? i : unknown;
        long[] ids = [Id(metadata["mlnet_recurrent.separator"].EnumerateRunes().First()), .. text.EnumerateRunes().Select(r => (long)Id(r))];
        int steps = ids.Length - 1, states = 2;
        var outputs = Run(onnx, Int64(OnnxTensorNames.Tokens, ids[..steps], 1, steps), Int32(OnnxTensorNames.Lengths, [steps], 1),
            Float(OnnxTensorNames.InitialHidden, new float[states * 10], states, 1, 10));
        float[] p = outputs[OnnxTensorNames.Probabilities].Data;
        double logLikelihood = 0;
        for (int t = 0; t < steps; t++) logLikelihood += Math.Log(p[t * symbols.Count + ids[t + 1]]);

        Console.WriteLine($"LogLikelihood: ML.NET {expected:R}, ONNX Runtime {logLikelihood:R}");
        Assert.Contains(ids, id => id == unknown); // 'e-acute' and '?' were never seen
        Assert.Equal(expected, logLikelihood, 1e-5 * Math.Abs(expected));
    }

    private sealed class Line
    {
        public string Text { get; set; } = "";
    }

    private sealed class Scored
    {
        public float LogLikelihood { get; set; }
    }

    private static byte[] Export(SequenceClassificationTransformer classifier)
    {
        using var stream = new MemoryStream();
        classifier.ExportToOnnx(stream);
        return stream.ToArray();
    }

    private static T[] Column<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        var values = new List<T>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        while (cursor.MoveNext())
        {
            T value = default!;
            getter(ref value);
            values.Add(value);
        }
        return [.. values];
    }

    private static Sentence[] Sentences(int count, int seed)
    {
        var random = new Random(seed);
        string[] colours = ["red", "green", "blue"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            int c = random.Next(3);
            var words = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => $"w{random.Next(30)}").ToList();
            words.Insert(random.Next(words.Count + 1), colours[c]);
            return new Sentence { Text = string.Join(' ', words), Label = "RGB"[c].ToString() };
        }).ToArray();
    }

    private static Frames[] FrameRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var f = Enumerable.Range(0, 2 * (1 + random.Next(6))).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new Frames { Features = f, Label = f.Sum() > 0 };
        }).ToArray();
    }
}
