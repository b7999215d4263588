using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// The classifier's side input (a numeric column joined before the output layer, read sparse), its regularisers
/// and temperature scaling, through ML.NET: what the side input adds, save/load, and bad input.
/// </summary>
public sealed class LstmSequenceClassifierSideInputTests(ITestOutputHelper output)
{
    /// <summary>Filler words only in <see cref="Text"/>; the class shows only in <see cref="Hint"/> (and in <see cref="Side"/>).</summary>
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Hint { get; set; } = "";
        public string Label { get; set; } = "";

        [VectorType(5)]
        public float[] Side { get; set; } = new float[5];
    }

    public sealed class WideRow
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";

        [VectorType(6)]
        public float[] Side { get; set; } = new float[6];
    }

    private static Row[] Make(int count, int seed)
    {
        var random = new Random(seed);
        string[] colours = ["red", "green", "blue"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            int c = random.Next(3);
            var side = new float[5];
            side[c] = 1;
            side[3 + random.Next(2)] = (float)random.NextDouble(); // noise
            return new Row
            {
                Text = string.Join(' ', Enumerable.Range(0, 2 + random.Next(5)).Select(_ => $"w{random.Next(20)}")),
                Hint = $"{colours[c]} x{random.Next(5)}",
                Label = "RGB"[c].ToString(),
                Side = side,
            };
        }).ToArray();
    }

    private static LstmSequenceClassifier.Options Options(string? side, bool temperature = false)
    {
        var o = SentenceData.SmallOptions(epochs: 10);
        o.SideColumnName = side;
        o.TemperatureScaling = temperature;
        o.TokenDropout = 0.1f;
        o.EmbeddingDropout = 0.1f;
        return o;
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, LstmSequenceClassifier.Options options) =>
        ml.Transforms.Text.FeaturizeText("NGrams", "Hint")
            .Append(SentenceData.Featurize(ml))
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options));

    [Fact]
    public void sparse_ngrams_as_side_input_carry_what_the_tokens_cannot_see()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Make(200, seed: 1));
        IDataView test = ml.Data.LoadFromEnumerable(Make(90, seed: 2));
        // FeaturizeText's output really is sparse: the reader must take it as it is stored.
        var ngrams = ml.Transforms.Text.FeaturizeText("NGrams", "Hint").Fit(train).Transform(train);
        VBuffer<float> first = ngrams.GetColumn<VBuffer<float>>("NGrams").First();
        Assert.False(first.IsDense);

        double with = ml.MulticlassClassification.Evaluate(Pipeline(ml, Options("NGrams")).Fit(train).Transform(test)).MicroAccuracy;
        double without = ml.MulticlassClassification.Evaluate(Pipeline(ml, Options(null)).Fit(train).Transform(test)).MicroAccuracy;
        output.WriteLine($"accuracy with the n-gram side input {with:F3}, without {without:F3} (chance 0.33; {first.Length} slots, {first.GetValues().Length} stored in row 0)");
        Assert.True(with > 0.95, $"with the side input: {with}");
        Assert.True(without < 0.6, $"without the side input: {without}");
    }

    [Fact]
    public void model_with_side_input_and_temperature_gives_the_same_scores_after_a_model_zip_round_trip()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Make(150, seed: 3));
        IDataView test = ml.Data.LoadFromEnumerable(Make(40, seed: 4));
        ITransformer model = Pipeline(ml, Options("NGrams", temperature: true)).Fit(train);
        var fitted = ((IEnumerable<ITransformer>)model).OfType<SequenceClassificationTransformer>().Single();
        Assert.Equal("NGrams", fitted.SideColumnName);
        Assert.True(fitted.SideInputSize > 5);
        Assert.NotEqual(1f, fitted.Temperature);
        output.WriteLine($"T = {fitted.Temperature}, S = {fitted.SideInputSize}");
        float[][] before = SentenceData.ReadVectors(model.Transform(test), "Score");

        string path = Path.Combine(Path.GetTempPath(), $"side-input-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var other = new MLContext(seed: 5);
            ITransformer loaded = other.Model.Load(path, out _);
            float[][] after = SentenceData.ReadVectors(loaded.Transform(test), "Score");
            for (int r = 0; r < before.Length; r++) Assert.Equal(before[r], after[r]);
            var reloaded = ((IEnumerable<ITransformer>)loaded).OfType<SequenceClassificationTransformer>().Single();
            Assert.Equal(fitted.Temperature, reloaded.Temperature);
            Assert.Equal(fitted.SideColumnName, reloaded.SideColumnName);
            Assert.Equal(fitted.SideInputSize, reloaded.SideInputSize);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void a_side_column_of_the_wrong_type_is_named_at_fit_and_get_output_schema()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Make(30, seed: 6));
        var pipeline = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(Options("Hint")));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(train));
        Assert.Contains("'Hint'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Contains("vector of Single of known size", e.Message);
        var missing = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(Options("Nowhere")));
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => missing.GetOutputSchema(MLNet.Recurrent.MlNetInternals.SchemaShapes.Create(train.Schema)));
        Assert.Contains("'Nowhere'", e2.Message);
    }

    [Fact]
    public void a_side_column_of_another_size_at_prediction_is_named_with_both_sizes()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Make(60, seed: 7));
        var options = Options("Side");
        options.Epochs = 1;
        ITransformer model = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options)).Fit(train);
        IDataView wide = ml.Data.LoadFromEnumerable([new WideRow { Text = "w1 w2", Label = "R" }]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wide));
        Assert.Contains("'Side'", e.Message);
        Assert.Contains("Vector<Single, 6>", e.Message);
        Assert.Contains("known size 5", e.Message);
    }

    [Fact]
    public void a_non_finite_side_value_is_named_with_its_row_and_slot()
    {
        var ml = new MLContext(seed: 1);
        Row[] rows = Make(40, seed: 8);
        rows[7].Side[2] = float.NaN;
        var options = Options("Side");
        options.Epochs = 1;
        var e = Assert.Throws<InvalidOperationException>(() =>
            SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Column 'Side', row 7", e.Message);
        Assert.Contains("slot 2 is NaN", e.Message);
    }

    [Fact]
    public void bad_lever_options_are_rejected_naming_the_option_and_value()
    {
        var ml = new MLContext(seed: 1);
        var noValidation = Options(null, temperature: true);
        noValidation.ValidationFraction = 0;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(noValidation));
        Assert.Contains("'TemperatureScaling'", e.Message);
        Assert.Contains("ValidationFraction", e.Message);

        var tokenDrop = Options(null);
        tokenDrop.TokenDropout = 1f;
        Assert.Contains("'TokenDropout' was 1", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(tokenDrop)).Message);
        var decay = Options(null);
        decay.WeightDecay = -1;
        Assert.Contains("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(decay)).Message);

        // Token dropout reads tokens: on frames it is named, not ignored.
        var frames = SignFrames.SmallOptions();
        frames.TokenDropout = 0.1f;
        IDataView frameData = SignFrames.ToDataView(ml, SignFrames.Make(20, seed: 1));
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(frames).Fit(frameData));
        Assert.Contains("'TokenDropout' was 0.1", e3.Message);
        Assert.Contains("frames", e3.Message);
    }
}
