using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Onnx.Tests.TestSupport;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;

namespace MLNet.Recurrent.Onnx.Tests;

/// <summary>A fitted SequenceLabeler in ONNX Runtime against ML.NET's own columns, for every cell, stacked, bidirectional, tokens and frames.</summary>
public sealed class SequenceLabelerOnnxExportTests
{
    private const float Tolerance = 1e-5f;
    private const int Classes = 3;

    private sealed class Words
    {
        public string[] Tokens { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private sealed class FrameRow
    {
        [VectorType]
        public float[] Features { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    [Theory]
    [InlineData(CellType.Lstm, 2, true)]
    [InlineData(CellType.Gru, 1, true)]
    [InlineData(CellType.RnnTanh, 2, false)]
    [InlineData(CellType.RnnRelu, 1, false)]
    public void an_exported_token_labeller_gives_ml_nets_scores_and_labels_at_every_step(CellType cell, int layers, bool bidirectional)
    {
        var ml = new MLContext(seed: 1);
        var (model, labeller) = FitTokens(ml, Options(cell, layers, bidirectional, SequenceOutputLayer.Softmax));
        var test = WordRows(25, seed: 12);
        test[0].Tokens = ["qqq", "the", "zzz"]; // unseen words: missing keys
        var (keys, lengths, steps) = Keys(model.Transform(ml.Data.LoadFromEnumerable(test)));
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));

        var outputs = Run(Export(labeller), Int64("Tokens", keys, lengths.Length, steps), Int32(OnnxTensorNames.Lengths, lengths, lengths.Length));

        Assert.Contains(keys, k => k == 0);
        Assert.Equal([lengths.Length, steps, Classes], outputs["Scores"].Shape);
        Assert.True(MaxDifference(Padded(Column<VBuffer<float>>(scored, "Scores"), lengths, steps, Classes), outputs["Scores"].Data, "Scores") <= Tolerance);
        Assert.Equal(Padded(Column<VBuffer<uint>>(scored, "PredictedLabels"), lengths, steps, 1), outputs["PredictedLabels"].Data);
    }

    [Theory]
    [InlineData(CellType.Gru, 2, true)]
    [InlineData(CellType.Lstm, 1, false)]
    public void an_exported_frame_labeller_gives_ml_nets_scores_and_labels_at_every_step(CellType cell, int layers, bool bidirectional)
    {
        var ml = new MLContext(seed: 1);
        var options = Options(cell, layers, bidirectional, SequenceOutputLayer.Softmax);
        options.FeatureColumnName = "Features";
        options.FrameSize = 2;
        var model = ml.Transforms.Conversion.MapValueToKey("Label", "Tags").Append(ml.Transforms.Recurrent.SequenceLabeler(options))
            .Fit(ml.Data.LoadFromEnumerable(FrameRows(80, seed: 21)));
        var test = FrameRows(20, seed: 22);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        int b = test.Length, steps = test.Max(r => r.Tags.Length);
        int[] lengths = test.Select(r => r.Tags.Length).ToArray();
        var frames = new float[b * steps * 2];
        for (int r = 0; r < b; r++) test[r].Features.CopyTo(frames, r * steps * 2);

        var outputs = Run(Export(model.LastTransformer), Float("Features", frames, b, steps, 2), Int32(OnnxTensorNames.Lengths, lengths, b));

        Assert.True(MaxDifference(Padded(Column<VBuffer<float>>(scored, "Scores"), lengths, steps, Classes), outputs["Scores"].Data, "Scores") <= Tolerance);
        Assert.Equal(Padded(Column<VBuffer<uint>>(scored, "PredictedLabels"), lengths, steps, 1), outputs["PredictedLabels"].Data);
    }

    [Fact]
    public void a_crf_labellers_graph_gives_ml_nets_viterbi_labels_and_its_outputs_decode_outside_to_the_same_labels_and_scores()
    {
        var ml = new MLContext(seed: 1);
        var (model, labeller) = FitTokens(ml, Options(CellType.Lstm, 1, true, SequenceOutputLayer.Crf));
        var test = WordRows(25, seed: 13);
        test[1].Tokens = ["fish"];
        test[1].Tags = ["V"];
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        var (keys, lengths, steps) = Keys(scored);
        int b = lengths.Length;
        byte[] onnx = Export(labeller);

        var outputs = Run(onnx, Int64("Tokens", keys, b, steps), Int32(OnnxTensorNames.Lengths, lengths, b));
        float[] expectedKeys = Padded(Column<VBuffer<uint>>(scored, "PredictedLabels"), lengths, steps, 1);
        float[] expectedScores = Padded(Column<VBuffer<float>>(scored, "Scores"), lengths, steps, Classes);
        Assert.Equal(expectedKeys, outputs["PredictedLabels"].Data); // Viterbi in the graph
        Assert.True(MaxDifference(expectedScores, outputs["Scores"].Data, "CRF marginals in the graph") <= Tolerance);
        // A batch of one step, beside an empty row.
        var single = Run(onnx, Int64("Tokens", [keys[steps], 0], 2, 1), Int32(OnnxTensorNames.Lengths, [1, 0], 2));
        Assert.Equal([expectedKeys[steps], 0f], single["PredictedLabels"].Data);
        Assert.True(MaxDifference([.. expectedScores.AsSpan(steps * Classes, Classes), 0f, 0f, 0f], single["Scores"].Data, "one step") <= Tolerance);

        // Viterbi and the marginals, outside the graph: the engine's CRF layer over ONNX Runtime's outputs.
        var crf = new LinearChainCrf(new ParameterSet(), Classes);
        outputs[OnnxTensorNames.CrfTransitions].Data.CopyTo(crf.Transitions.Value);
        outputs[OnnxTensorNames.CrfStartTransitions].Data.CopyTo(crf.StartTransitions.Value);
        outputs[OnnxTensorNames.CrfEndTransitions].Data.CopyTo(crf.EndTransitions.Value);
        float[] emissions = outputs[OnnxTensorNames.Logits].Data; // [B, T, K]
        using var timeMajor = new Tensor(steps, b, Classes);
        for (int r = 0; r < b; r++)
            for (int t = 0; t < steps; t++)
                emissions.AsSpan((r * steps + t) * Classes, Classes).CopyTo(timeMajor.Span.Slice((t * b + r) * Classes, Classes));
        var tags = new int[steps * b];
        crf.Decode(timeMajor, lengths, tags);
        using var marginals = new Tensor(0);
        crf.Marginals(timeMajor, lengths, marginals);

        var decodedKeys = new float[b * steps];
        var decodedScores = new float[b * steps * Classes];
        for (int r = 0; r < b; r++)
            for (int t = 0; t < lengths[r]; t++)
            {
                decodedKeys[r * steps + t] = tags[t * b + r] + 1;
                marginals.Span.Slice((t * b + r) * Classes, Classes).CopyTo(decodedScores.AsSpan((r * steps + t) * Classes, Classes));
            }
        Assert.Equal(expectedKeys, decodedKeys);
        // The transitions matter here: on some steps the best path is not the best emission.
        int differ = 0;
        for (int r = 0; r < b; r++)
            for (int t = 0; t < lengths[r]; t++)
                if (emissions.AsSpan((r * steps + t) * Classes, Classes).IndexOf(emissions.AsSpan((r * steps + t) * Classes, Classes).ToArray().Max()) + 1 != expectedKeys[r * steps + t]) differ++;
        Console.WriteLine($"Viterbi differs from the per-step best emission on {differ} steps");
        Assert.True(differ > 0);
        Assert.True(MaxDifference(expectedScores, decodedScores, "CRF marginals from ONNX emissions") <= Tolerance);
    }

    [Fact]
    public void an_engine_crf_network_exports_its_emission_scores_and_transitions_instead_of_a_softmax()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 11, EmbeddingSize = 5, Cell = CellType.Gru, HiddenSize = 6, Layers = 2, Bidirectional = true,
            PerStepOutput = true, OutputSize = 4, OutputLayer = SequenceOutputLayer.Crf,
        });
        network.Initialize(seed: 42);
        var random = new Random(5);
        foreach (var p in network.Parameters.Parameters.Where(p => p.Name.StartsWith("crf.", StringComparison.Ordinal)))
            for (int i = 0; i < p.Value.Length; i++) p.Value[i] = (float)(random.NextDouble() - 0.5);
        int[] lengths = [4, 1, 6];
        var data = Batches.TokenBatch(11, lengths, seed: 2, perStep: true);
        using var probabilities = new Tensor(0);
        network.Predict(data.Batch, probabilities);

        var outputs = Run(SequenceNetworkOnnxExportTests.Export(network),
            Int64(OnnxTensorNames.Tokens, data.Tokens, lengths.Length, data.Steps), Int32(OnnxTensorNames.Lengths, lengths, lengths.Length));

        Assert.DoesNotContain(OnnxTensorNames.Probabilities, outputs.Keys);
        Assert.True(MaxDifference(data.BatchMajor(network.Logits.Span, 4), outputs[OnnxTensorNames.Logits].Data, "emission logits") <= Tolerance);
        Assert.Equal(network.Parameters["crf.transitions"].Value.ToArray(), outputs[OnnxTensorNames.CrfTransitions].Data);
        Assert.Equal(network.Parameters["crf.start_transitions"].Value.ToArray(), outputs[OnnxTensorNames.CrfStartTransitions].Data);
        Assert.Equal(network.Parameters["crf.end_transitions"].Value.ToArray(), outputs[OnnxTensorNames.CrfEndTransitions].Data);
    }

    [Fact]
    public void a_network_with_character_features_is_refused_naming_the_option()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 11, EmbeddingSize = 5, HiddenSize = 6, PerStepOutput = true, OutputSize = 4, CharacterVocabularySize = 20,
        });
        var error = Assert.Throws<NotSupportedException>(() => network.ExportToOnnx(new MemoryStream()));
        Assert.Contains("'CharacterVocabularySize' was 20", error.Message);
    }

    private static SequenceLabeler.Options Options(CellType cell, int layers, bool bidirectional, SequenceOutputLayer outputLayer) => new()
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens", Cell = cell, Layers = layers, Bidirectional = bidirectional, EmbeddingSize = 5,
        HiddenSize = 6, OutputLayer = outputLayer, Epochs = 2, BatchSize = 16, LearningRate = 1e-2, ValidationFraction = 0, MinTokenCount = 2, Seed = 3,
    };

    private static (ITransformer Model, SequenceLabelingTransformer Labeller) FitTokens(MLContext ml, SequenceLabeler.Options options)
    {
        var model = ml.Transforms.Conversion.MapValueToKey("Tokens")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "Tags"))
            .Append(ml.Transforms.Recurrent.SequenceLabeler(options))
            .Fit(ml.Data.LoadFromEnumerable(WordRows(80, seed: 11)));
        return (model, model.LastTransformer);
    }

    /// <summary>The key column as a padded <c>[B, T]</c> int64 batch, the lengths and T.</summary>
    private static (long[] Keys, int[] Lengths, int Steps) Keys(IDataView scored)
    {
        uint[][] rows = Column<VBuffer<uint>>(scored, "Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
        int steps = rows.Max(r => r.Length);
        var keys = new long[rows.Length * steps];
        for (int r = 0; r < rows.Length; r++)
            for (int t = 0; t < rows[r].Length; t++) keys[r * steps + t] = rows[r][t];
        return (keys, rows.Select(r => r.Length).ToArray(), steps);
    }

    /// <summary>ML.NET's per-row vectors of <c>length * width</c> values laid out <c>[B, T, width]</c>, zeros past each length.</summary>
    private static float[] Padded<T>(VBuffer<T>[] rows, int[] lengths, int steps, int width) where T : struct
    {
        var result = new float[rows.Length * steps * width];
        for (int r = 0; r < rows.Length; r++)
        {
            T[] values = rows[r].DenseValues().ToArray();
            Assert.Equal(lengths[r] * width, values.Length);
            for (int i = 0; i < values.Length; i++) result[r * steps * width + i] = Convert.ToSingle(values[i]);
        }
        return result;
    }

    private static byte[] Export(SequenceLabelingTransformer labeller)
    {
        using var stream = new MemoryStream();
        labeller.ExportToOnnx(stream);
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

    /// <summary>Sentences of 1..8 words; a word's tag depends on the word and on the word before it, so context matters.</summary>
    private static Words[] WordRows(int count, int seed)
    {
        var random = new Random(seed);
        string[] vocabulary = ["the", "a", "fish", "swim", "dogs", "run", "fast", "w1", "w2", "w3", "w4"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            string[] words = Enumerable.Range(0, 1 + random.Next(8)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
            string[] tags = words.Select((w, i) => w is "the" or "a" ? "D" : i > 0 && words[i - 1] is "the" or "a" ? "N" : "V").ToArray();
            return new Words { Tokens = words, Tags = tags };
        }).ToArray();
    }

    private static FrameRow[] FrameRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int steps = 1 + random.Next(7);
            var f = Enumerable.Range(0, 2 * steps).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var tags = Enumerable.Range(0, steps).Select(t => f[2 * t] > 0.3f ? "A" : f[2 * t] < -0.3f ? "B" : "C").ToArray();
            return new FrameRow { Features = f, Tags = tags };
        }).ToArray();
    }
}
