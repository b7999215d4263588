using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Preprocessing;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.Preprocessing;

/// <summary>The ML.NET "workout" for NormalizeFrames: schema propagation, wrong input types, values, save/load.</summary>
public sealed class FrameNormalizingEstimatorTests(ITestOutputHelper output)
{
    private const int D = 3;

    [Fact]
    public void Output_schema_is_declared_by_estimator_and_transformer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, FrameData.Make(20, D, seed: 2), FrameData.FramesType(D));
        var estimator = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features");

        SchemaShape shape = estimator.GetOutputSchema(SchemaShapes.Create(data.Schema));
        SchemaShape.Column column = Assert.Single(shape, c => c.Name == "Normalized");
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, column.Kind);
        Assert.Equal(NumberDataViewType.Single, column.ItemType);
        Assert.False(column.IsKey);
        Assert.Single(shape, c => c.Name == "Features");

        FrameNormalizingTransformer transformer = estimator.Fit(data);
        DataViewSchema schema = transformer.GetOutputSchema(data.Schema);
        var type = Assert.IsType<VectorDataViewType>(schema["Normalized"].Type);
        Assert.Equal([0, D], type.Dimensions.ToArray());
        Assert.Equal(schema["Normalized"].Type, transformer.Transform(data).Schema["Normalized"].Type);
        Assert.Equal(data.Schema["Features"].Type, schema["Features"].Type);
    }

    [Fact]
    public void Known_size_vectors_keep_their_size()
    {
        var ml = new MLContext(seed: 1);
        float[][] rows = Enumerable.Range(0, 10).Select(r => Enumerable.Range(0, 2 * D).Select(i => (float)(r * i % 7)).ToArray()).ToArray();
        IDataView data = FrameData.ToDataView(ml, rows, new VectorDataViewType(NumberDataViewType.Single, 2 * D));
        var estimator = ml.Transforms.Recurrent.NormalizeFrames("Features", frameSize: D);

        SchemaShape.Column column = Assert.Single(estimator.GetOutputSchema(SchemaShapes.Create(data.Schema)), c => c.Name == "Features");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2 * D), estimator.Fit(data).Transform(data).Schema["Features"].Type);
    }

    [Fact]
    public void Output_is_each_frame_standardized_with_statistics_over_all_frames()
    {
        var ml = new MLContext(seed: 1);
        float[][] rows = FrameData.Make(50, D, seed: 3);
        IDataView data = FrameData.ToDataView(ml, rows, FrameData.FramesType(D));
        FrameNormalizingTransformer transformer = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features").Fit(data);
        float[][] actual = FrameData.ReadColumn(transformer.Transform(data), "Normalized");

        (double[] mean, double[] std) = FrameData.Moments(rows, D);
        double maxError = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Length, actual[r].Length);
            for (int i = 0; i < rows[r].Length; i++)
                maxError = Math.Max(maxError, Math.Abs(actual[r][i] - (rows[r][i] - mean[i % D]) / std[i % D]));
        }
        for (int j = 0; j < D; j++)
        {
            Assert.Equal(mean[j], transformer.Mean[j], 4);
            Assert.Equal(std[j], transformer.StandardDeviation[j], 4);
        }
        output.WriteLine($"max |output - (x - mean) / std| = {maxError:E2} (tolerance 1e-5); std = {string.Join(", ", std)}");
        Assert.True(maxError < 1e-5, $"max error {maxError}");
        Assert.True(std.All(s => s > 0.5), "the data must have real spread for this test to mean anything");
    }

    [Theory]
    [InlineData("text vector")]
    [InlineData("scalar")]
    [InlineData("wrong length")]
    public void Wrong_input_type_is_rejected_naming_column_type_and_expectation(string kind)
    {
        var ml = new MLContext(seed: 1);
        // The estimator-time shape shows no vector sizes; the concrete type does.
        (IDataView data, string shapeText, string typeText) = kind switch
        {
            "text vector" => (ml.Data.LoadFromEnumerable(new[] { new TextRow { Features = ["a", "b", "c"] } }), "Vector<String>", "Vector<String, 3>"),
            "scalar" => (ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1f } }), "Single", "Single"),
            _ => (FrameData.ToDataView(ml, [new float[4]], new VectorDataViewType(NumberDataViewType.Single, 4)), "", "Vector<Single, 4>"),
        };
        var estimator = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features", frameSize: D);
        const string expected = "NormalizeFrames expects a vector of Single holding frames of 3 features (a length that is a multiple of 3).";

        var fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(data));
        output.WriteLine(fit.Message);
        Assert.StartsWith($"Column 'Features' has type {(kind == "wrong length" ? typeText : shapeText)}; {expected}", fit.Message);
        if (kind != "wrong length") // a shape cannot tell a length of 4 from a multiple of 3
        {
            var shape = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(SchemaShapes.Create(data.Schema)));
            Assert.StartsWith($"Column 'Features' has type {shapeText}; {expected}", shape.Message);
        }

        // The fitted transformer rejects the same inputs when applied.
        IDataView good = FrameData.ToDataView(ml, FrameData.Make(5, D, seed: 4), FrameData.FramesType(D));
        var transformer = estimator.Fit(good);
        var applied = Assert.ThrowsAny<ArgumentException>(() => transformer.Transform(data));
        Assert.StartsWith($"Column 'Features' has type {typeText}; {expected}", applied.Message);
    }

    [Fact]
    public void Missing_column_is_named()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, FrameData.Make(5, D, seed: 4), FrameData.FramesType(D));
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.NormalizeFrames("Out", "Sensors").Fit(data));
        Assert.Contains("Column 'Sensors' was not found", e.Message);
        Assert.Contains("'Features'", e.Message);
    }

    [Fact]
    public void Frame_size_must_come_from_option_or_column_dimensions()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, FrameData.Make(5, D, seed: 4), new VectorDataViewType(NumberDataViewType.Single));
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.NormalizeFrames("Out", "Features").Fit(data));
        Assert.Contains("Column 'Features' has type Vector<Single>", e.Message);
        Assert.Contains("dimensions [0, D]", e.Message);
        // With the frame size given, the same column works.
        Assert.Equal(D, ml.Transforms.Recurrent.NormalizeFrames("Out", "Features", frameSize: D).Fit(data).FrameSize);
    }

    [Fact]
    public void Row_with_partial_frame_is_reported_with_column_and_row()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, [new float[6], new float[5]], new VectorDataViewType(NumberDataViewType.Single));
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.NormalizeFrames("Out", "Features", frameSize: D).Fit(data));
        Assert.Equal("Column 'Features', row 1: it holds 5 values, which is not a whole number of frames of 3 features.", e.Message);
    }

    [Fact]
    public void Save_then_load_in_process_gives_identical_output()
    {
        var ml = new MLContext(seed: 1);
        float[][] rows = FrameData.Make(30, D, seed: 5);
        IDataView data = FrameData.ToDataView(ml, rows, FrameData.FramesType(D));
        // In a chain, as users save models.
        ITransformer model = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features")
            .Append(ml.Transforms.CopyColumns("Copy", "Normalized")).Fit(data);
        float[][] before = FrameData.ReadColumn(model.Transform(data), "Copy");

        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext(seed: 7).Model.Load(stream, out DataViewSchema inputSchema);
        float[][] after = FrameData.ReadColumn(loaded.Transform(data), "Copy");

        Assert.Equal(data.Schema["Features"].Type, inputSchema["Features"].Type);
        Assert.Equal(before.Length, after.Length);
        for (int r = 0; r < before.Length; r++) Assert.Equal(before[r], after[r]);
        Assert.Contains(before.SelectMany(x => x), v => Math.Abs(v) > 0.5f); // not all zeros
    }

    [Fact]
    public void Log_messages_reach_MLContext_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        float[][] rows = FrameData.Make(12, D, seed: 6);
        IDataView data = FrameData.ToDataView(ml, rows, FrameData.FramesType(D));
        ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features").Fit(data);

        int frames = rows.Sum(r => r.Length / D);
        Assert.Contains(messages, m => m.Contains($"NormalizeFrames: learned the mean and standard deviation of 3 features from {frames} frames in 12 rows."));
    }

    [Fact]
    public void Cancel_execution_stops_fit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, FrameData.Make(5, D, seed: 4), FrameData.FramesType(D));
        var estimator = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features");
        Environments.CancelExecution(ml);
        Assert.Throws<OperationCanceledException>(() => estimator.Fit(data));
    }

    private sealed class TextRow
    {
        [VectorType(3)]
        public string[] Features { get; set; } = [];
    }

    private sealed class ScalarRow
    {
        public float Features { get; set; }
    }
}
