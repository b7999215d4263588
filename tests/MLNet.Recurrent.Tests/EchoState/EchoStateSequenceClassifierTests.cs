using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.EchoState;

/// <summary>
/// The ESN classifier on a task a summary of the sequence solves: is a noisy sine slow or fast (3 classes by
/// frequency, random phase and length 30-60)? Only the readout is fitted.
/// </summary>
public sealed class EchoStateSequenceClassifierTests(ITestOutputHelper output)
{
    private sealed class Row
    {
        [VectorType(0, 1)] // T frames of 1 feature
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    private sealed class Scored
    {
        public string Label { get; set; } = "";

        public string Predicted { get; set; } = "";
    }

    private static List<Row> Sines(int count, int seed)
    {
        var random = new Random(seed);
        string[] names = ["slow", "medium", "fast"];
        double[] frequencies = [0.15, 0.45, 1.2];
        return Enumerable.Range(0, count).Select(_ =>
        {
            int c = random.Next(3);
            int length = 30 + random.Next(31);
            double phase = random.NextDouble() * 2 * Math.PI;
            return new Row
            {
                Label = names[c],
                Features = Enumerable.Range(0, length).Select(t => (float)(Math.Sin(frequencies[c] * t + phase) + 0.3 * (random.NextDouble() - 0.5))).ToArray(),
            };
        }).ToList();
    }

    [Theory]
    [InlineData(ReservoirReadout.Ridge, ReservoirPooling.Mean)]
    [InlineData(ReservoirReadout.Logistic, ReservoirPooling.Mean)]
    public void A_reservoir_with_a_fitted_readout_tells_sine_frequencies_apart(ReservoirReadout readout, ReservoirPooling pooling)
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.Recurrent.EchoStateSequenceClassifier(new EchoStateSequenceClassifier.Options
            {
                LabelColumnName = "LabelKey", ReservoirSize = 100, Readout = readout, Pooling = pooling, Seed = 3,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("Predicted", "PredictedLabel"));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Sines(600, seed: 1)));
        IDataView test = model.Transform(ml.Data.LoadFromEnumerable(Sines(300, seed: 2)));
        var metrics = ml.MulticlassClassification.Evaluate(test, labelColumnName: "LabelKey");
        double accuracy = ml.Data.CreateEnumerable<Scored>(test, reuseRowObject: false).Average(r => r.Label == r.Predicted ? 1.0 : 0.0);
        output.WriteLine($"{readout} readout, {pooling} pooling: test accuracy {accuracy:P1} (chance 33%; bound 90%), macro accuracy {metrics.MacroAccuracy:P1}");
        Assert.True(accuracy >= 0.9);
    }

    [Fact]
    public void Saved_classifier_loads_and_scores_identically_in_a_child_process()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Sines(200, seed: 1));
        ITransformer model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Recurrent.EchoStateSequenceClassifier(reservoirSize: 50)).Fit(train);
        IDataView test = ml.Data.LoadFromEnumerable(Sines(30, seed: 2));
        float[][] expected = Scores(ml, model.Transform(test));
        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-esnc-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);
            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            float[][] actual = Scores(new MLContext(), new MLContext().Data.LoadFromBinary(outputPath));
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++) Assert.Equal(expected[r], actual[r]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_label_that_is_not_a_key_is_rejected_naming_it()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Recurrent.EchoStateSequenceClassifier().Fit(ml.Data.LoadFromEnumerable(Sines(10, seed: 1))));
        output.WriteLine(e.Message);
        Assert.Contains("Column 'Label' has type String; EchoStateSequenceClassifier expects a single key", e.Message);
    }

    private static float[][] Scores(MLContext ml, IDataView view)
    {
        var column = view.Schema["Score"];
        var result = new List<float[]>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.DenseValues().ToArray());
        }
        return result.ToArray();
    }
}
