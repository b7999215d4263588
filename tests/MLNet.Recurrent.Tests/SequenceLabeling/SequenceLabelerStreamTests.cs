using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceLabeling;

/// <summary>Frames: a forward-only model streamed reading by reading, and save/load in a child process.</summary>
public sealed class SequenceLabelerStreamTests(ITestOutputHelper output)
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    /// <summary>Frames of 2 features; a step is "high" once the running sum of feature 0 is positive (needs the past).</summary>
    private static Row[] Make(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int steps = 3 + random.Next(8);
            var f = new float[2 * steps];
            var tags = new string[steps];
            float sum = 0;
            for (int t = 0; t < steps; t++)
            {
                f[2 * t] = (float)(random.NextDouble() * 2 - 1);
                f[2 * t + 1] = (float)random.NextDouble();
                sum += f[2 * t];
                tags[t] = sum > 0 ? "high" : "low";
            }
            return new Row { Features = f, Tags = tags };
        }).ToArray();
    }

    private static IDataView View(MLContext ml, Row[] rows)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = FrameData.FramesType(2);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private static (MLContext Ml, ITransformer Model, IDataView Train) Fit(bool bidirectional = false, SequenceOutputLayer layer = SequenceOutputLayer.Softmax)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = View(ml, Make(200, seed: 1));
        ITransformer model = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Tags))
            .Append(ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
            {
                FeatureColumnName = "Features", Cell = MLNet.Recurrent.Core.Layers.CellType.Gru, HiddenSize = 16, Bidirectional = bidirectional,
                OutputLayer = layer, Epochs = 15, BatchSize = 16, LearningRate = 1e-2, ValidationFraction = 0, Seed = 2,
            }))
            .Fit(train);
        return (ml, model, train);
    }

    [Fact]
    public void Pushing_readings_one_at_a_time_gives_the_transform_labels_and_scores()
    {
        (MLContext ml, ITransformer model, _) = Fit();
        Row[] rows = Make(15, seed: 3);
        IDataView scored = model.Transform(View(ml, rows));
        uint[][] keys = TagData.ReadKeys(scored, "PredictedLabels");
        float[][] scores = FrameData.ReadColumn(scored, "Scores");
        var labeler = ((IEnumerable<ITransformer>)model).OfType<SequenceLabelingTransformer>().Single();
        var stream = labeler.CreateStream();
        double worst = 0;
        int right = 0, total = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            stream.Reset();
            for (int t = 0; t < rows[r].Tags.Length; t++)
            {
                uint key = stream.PushFrame(rows[r].Features.AsSpan(2 * t, 2));
                Assert.Equal(keys[r][t], key);
                for (int k = 0; k < 2; k++) worst = Math.Max(worst, Math.Abs(stream.Probabilities[k] - scores[r][t * 2 + k]));
                total++;
                if (stream.NameOf(key) == rows[r].Tags[t]) right++;
            }
        }
        output.WriteLine($"stream vs transform max |diff| {worst:E2}; stream accuracy {right}/{total}");
        Assert.True(worst < 1e-5, $"max |diff| {worst:E2}");
        Assert.True(right > 0.9 * total, $"{right}/{total}: a trained model");
    }

    [Fact]
    public void A_bidirectional_model_refuses_to_stream_saying_why()
    {
        (_, ITransformer model, _) = Fit(bidirectional: true);
        var labeler = ((IEnumerable<ITransformer>)model).OfType<SequenceLabelingTransformer>().Single();
        var e = Assert.Throws<InvalidOperationException>(labeler.CreateStream);
        Assert.Contains("Bidirectional = True", e.Message);
    }

    [Fact]
    public void A_crf_model_saved_here_loads_and_labels_identically_in_a_child_process()
    {
        (MLContext ml, ITransformer model, IDataView train) = Fit(bidirectional: true, layer: SequenceOutputLayer.Crf);
        IDataView test = View(ml, Make(20, seed: 4));
        IDataView scored = model.Transform(test);
        float[][] expected = FrameData.ReadColumn(scored, "Scores");
        uint[][] expectedKeys = TagData.ReadKeys(scored, "PredictedLabels");
        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-labeler-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);
            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            Assert.Contains("PredictedLabels: Vector<Key<UInt32, 0-1>>", stdout);
            IDataView loaded = new MLContext().Data.LoadFromBinary(outputPath);
            Assert.Equal(expected, FrameData.ReadColumn(loaded, "Scores")); // bit for bit: same code, same machine
            Assert.Equal(expectedKeys, TagData.ReadKeys(loaded, "PredictedLabels"));
            var metrics = ml.Transforms.Recurrent.EvaluateLabels(loaded);
            output.WriteLine($"CRF accuracy after loading: {metrics.TokenAccuracy:P2}");
            Assert.True(metrics.TokenAccuracy > 0.9, $"accuracy {metrics.TokenAccuracy}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
