using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// The fitted classifier: save/load (in process and in a child process), PredictionEngine, concurrent use,
/// laziness, bad inputs, and the defined behaviour for empty, unknown and over-long sequences.
/// </summary>
public sealed class SequenceClassificationTransformerTests(ITestOutputHelper output)
{
    private static (MLContext Ml, ITransformer Model, IDataView Train) FitTokens(int epochs = 12, Action<LstmSequenceClassifier.Options>? configure = null)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(200, seed: 11));
        var options = SentenceData.SmallOptions(epochs);
        configure?.Invoke(options);
        ITransformer model = SentenceData.Featurize(ml)
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"))
            .Fit(train);
        return (ml, model, train);
    }

    private static IDataView Sentences(MLContext ml, params string[] texts) =>
        ml.Data.LoadFromEnumerable(texts.Select(t => new SentenceData.Row { Text = t, Label = "R" }));

    [Fact]
    public void SaveThenLoadInProcessGivesIdenticalScores()
    {
        (MLContext ml, ITransformer model, IDataView train) = FitTokens();
        IDataView test = ml.Data.LoadFromEnumerable(SentenceData.Make(40, seed: 12));
        float[][] before = SentenceData.ReadVectors(model.Transform(test), "Score");

        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var other = new MLContext(seed: 9);
        ITransformer loaded = other.Model.Load(stream, out DataViewSchema schema);
        IDataView scored = loaded.Transform(test);
        float[][] after = SentenceData.ReadVectors(scored, "Score");

        for (int r = 0; r < before.Length; r++) Assert.Equal(before[r], after[r]);
        Assert.Contains(before, s => s.Max() > 0.6f); // a trained model, not a uniform one
        Assert.Equal(SentenceData.KeyValues(model.Transform(test).Schema["PredictedLabel"]), SentenceData.KeyValues(scored.Schema["PredictedLabel"]));
        double accuracy = other.MulticlassClassification.Evaluate(scored).MicroAccuracy;
        output.WriteLine($"accuracy of the loaded model: {accuracy:F3}");
        Assert.True(accuracy > 0.75, $"accuracy {accuracy} (chance is 0.33)"); // trained, as the loaded copy shows; learning itself is measured in LstmSequenceClassifierTests
        var classifier = ((IEnumerable<ITransformer>)loaded).OfType<SequenceClassificationTransformer>().Single();
        Assert.Null(classifier.Training);
        Assert.Equal(3, classifier.ClassCount);
    }

    [Fact]
    public void BinaryFrameModelSavedHereLoadsAndScoresIdenticallyInAChildProcess()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = SignFrames.ToDataView(ml, SignFrames.Make(120, seed: 13));
        IDataView test = SignFrames.ToDataView(ml, SignFrames.Make(30, seed: 14));
        ITransformer model = ml.Transforms.Recurrent.LstmSequenceClassifier(SignFrames.SmallOptions()).Fit(train);
        float[] expected = SentenceData.ReadScalars<float>(model.Transform(test), "Probability");

        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-classifier-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip"), inputPath = Path.Combine(dir, "input.idv"), outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath)) ml.Data.SaveAsBinary(test, stream);

            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
            output.WriteLine(stdout);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");
            Assert.Contains("SequenceClassificationTransformer", stdout);
            float[] actual = SentenceData.ReadScalars<float>(new MLContext().Data.LoadFromBinary(outputPath), "Probability");
            Assert.Equal(expected, actual); // bit for bit: same code, same machine
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PredictionEngineAgreesWithTransform()
    {
        (MLContext ml, ITransformer model, _) = FitTokens();
        SentenceData.Row[] rows = SentenceData.Make(20, seed: 15);
        float[][] batch = SentenceData.ReadVectors(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Score");
        var engine = ml.Model.CreatePredictionEngine<SentenceData.Row, SentenceData.Prediction>(model);
        for (int r = 0; r < rows.Length; r++)
        {
            SentenceData.Prediction p = engine.Predict(rows[r]);
            Assert.Equal(batch[r], p.Score);
            Assert.Equal(rows[r].Label, p.PredictedText);
        }
    }

    [Fact]
    public void ConcurrentCursorsAndPredictionEnginesGiveIdenticalResults()
    {
        (MLContext ml, ITransformer model, _) = FitTokens();
        SentenceData.Row[] rows = SentenceData.Make(60, seed: 16);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        float[][] expected = SentenceData.ReadVectors(scored, "Score");

        var results = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 2 == 0)
            {
                results[i] = SentenceData.ReadVectors(scored, "Score"); // a cursor over the same transformed view
            }
            else
            {
                var engine = ml.Model.CreatePredictionEngine<SentenceData.Row, SentenceData.Prediction>(model);
                results[i] = rows.Select(r => engine.Predict(r).Score).ToArray();
            }
        });
        foreach (float[][] result in results)
            for (int r = 0; r < rows.Length; r++) Assert.Equal(expected[r], result[r]);
    }

    [Fact]
    public void TransformIsLazy()
    {
        (MLContext ml, ITransformer model, _) = FitTokens(epochs: 1);
        int reads = 0;
        var rows = Enumerable.Range(0, 5).Select(i => { Interlocked.Increment(ref reads); return new SentenceData.Row { Text = "red w1", Label = "R" }; });
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(0, reads);
        Assert.Equal(5, SentenceData.ReadVectors(scored, "Score").Length);
        Assert.Equal(5, reads);
    }

    [Fact]
    public void UnknownWordsShareOneEmbeddingAndEmptyRowsArePredictedFromTheOutputLayerAlone()
    {
        (MLContext ml, ITransformer model, _) = FitTokens();
        float[][] scores = SentenceData.ReadVectors(model.Transform(Sentences(ml, "blue zzz w3", "blue qqq w3", "blue w3 w3", "", "")), "Score");
        // "zzz" and "qqq" were never seen: both are the unknown id, so the rows score identically.
        Assert.Equal(scores[0], scores[1]);
        Assert.NotEqual(scores[0], scores[2]);

        // An empty row pools to zeros, so its probabilities are the softmax of the output bias.
        var classifier = ((IEnumerable<ITransformer>)model).OfType<SequenceClassificationTransformer>().Single();
        float[] bias = classifier.Network.Parameters["output.bias"].Value.ToArray();
        double[] expected = bias.Select(b => Math.Exp(b)).ToArray();
        double sum = expected.Sum();
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k] / sum, scores[3][k], 5);
        Assert.Equal(scores[3], scores[4]);
    }

    [Fact]
    public void LongRowsAreTruncatedAtTrainingAndPrediction()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        SentenceData.Row[] rows = SentenceData.Make(100, seed: 17);
        int longer = rows.Count(r => r.Text.Split(' ').Length > 4);
        IDataView train = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = SentenceData.Featurize(ml)
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
            {
                FeatureColumnName = "Tokens", HiddenSize = 4, EmbeddingSize = 4, Epochs = 1, MaxSequenceLength = 4, MinTokenCount = 1, Seed = 1,
            }))
            .Fit(train);
        Assert.Contains(messages, m => m.Contains($"{longer} of 100 rows were longer than MaxSequenceLength = 4 steps"));

        float[][] scores = SentenceData.ReadVectors(model.Transform(Sentences(ml, "w1 w2 w3 w4 red green blue", "w1 w2 w3 w4", "w1 w2 w3")), "Score");
        Assert.Equal(scores[1], scores[0]); // only the first 4 tokens count
        Assert.NotEqual(scores[2], scores[0]);
    }

    [Fact]
    public void MissingFeatureColumnIsNamedAtFitAndGetOutputSchema()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SignFrames.ToDataView(ml, SignFrames.Make(10, seed: 1));
        var options = SignFrames.SmallOptions();
        options.FeatureColumnName = "Sensors";
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(options);
        var fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(data));
        var shape = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(SchemaShapes.Create(data.Schema)));
        output.WriteLine(fit.Message);
        foreach (var e in new[] { fit, shape })
        {
            Assert.StartsWith("Column 'Sensors' was not found in the input; LstmSequenceClassifier expects it to be a vector of keys", e.Message);
            Assert.Contains("'Features'", e.Message);
        }
    }

    [Theory]
    [InlineData("text features", "Features", "Vector<String>")]
    [InlineData("float label", "Label", "Single")]
    public void WrongColumnTypeIsNamedAtFitAndGetOutputSchema(string kind, string column, string type)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = kind == "text features"
            ? ml.Data.LoadFromEnumerable(new[] { new TextFeatures { Features = ["a", "b"], Label = true } })
            : ml.Data.LoadFromEnumerable(new[] { new FloatLabel { Features = new float[3], Label = 1 } }, FloatLabel.Definition());
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(SignFrames.SmallOptions());
        string expected = column == "Label"
            ? "LstmSequenceClassifier expects a single key (a label mapped by MapValueToKey) or a single Boolean."
            : "LstmSequenceClassifier expects a vector of keys (tokens mapped by MapValueToKey), or a vector of Single";
        var fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(data));
        var shape = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(SchemaShapes.Create(data.Schema)));
        output.WriteLine(fit.Message);
        Assert.StartsWith($"Column '{column}' has type {type}", fit.Message);
        Assert.Contains(expected, fit.Message);
        Assert.StartsWith($"Column '{column}' has type {type}", shape.Message);
    }

    [Fact]
    public void WrongFrameSizeIsRejectedAtFitAndByTheTransformer()
    {
        var ml = new MLContext(seed: 1);
        IDataView good = SignFrames.ToDataView(ml, SignFrames.Make(30, seed: 1));
        IDataView wide = SignFrames.ToDataView(ml, [new SignFrames.Row { Features = new float[8] }], FrameData.FramesType(4));
        var options = SignFrames.SmallOptions();
        options.FrameSize = 3;
        options.Epochs = 1;
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(options);
        var fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(wide));
        Assert.StartsWith("Column 'Features' has type Vector<Single, 0, 4>;", fit.Message);
        Assert.Contains("frames of 3 features", fit.Message);

        var transformer = estimator.Fit(good);
        var schema = Assert.ThrowsAny<ArgumentException>(() => transformer.GetOutputSchema(wide.Schema));
        Assert.StartsWith("Column 'Features' has type Vector<Single, 0, 4>; LstmSequenceClassifier expects a vector of Single holding frames of 3 features", schema.Message);
        Assert.Equal(3, transformer.FrameSize);
    }

    [Fact]
    public void NonFiniteFramesRaiseWithTheRowIndex()
    {
        var ml = new MLContext(seed: 1);
        SignFrames.Row[] rows = SignFrames.Make(6, seed: 1);
        rows[4].Features[1] = float.NaN;
        IDataView data = SignFrames.ToDataView(ml, rows);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(SignFrames.SmallOptions()).Fit(data));
        Assert.Equal("Column 'Features', row 4: value 1 (frame 0, feature 1) is NaN; a recurrent model needs finite numbers.", e.Message);

        var model = ml.Transforms.Recurrent.LstmSequenceClassifier(SignFrames.SmallOptions()).Fit(SignFrames.ToDataView(ml, SignFrames.Make(20, seed: 2)));
        rows[4].Features[1] = 0;
        rows[2].Features[5] = float.PositiveInfinity;
        var applied = Assert.ThrowsAny<Exception>(() => SentenceData.ReadScalars<float>(model.Transform(SignFrames.ToDataView(ml, rows)), "Score"));
        // ML.NET may read through a parallel splitter, which wraps the getter's exception.
        while (applied.InnerException is not null) applied = applied.InnerException;
        Assert.IsType<InvalidOperationException>(applied);
        Assert.StartsWith("Column 'Features', row 2: value 5 (frame 1, feature 2) is Infinity", applied.Message);
    }

    [Fact]
    public void OptionsAreValidatedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options { HiddenSize = 0 }));
        Assert.StartsWith("'HiddenSize' was 0; it must be positive.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options { ValidationFraction = 1 }));
        Assert.StartsWith("'ValidationFraction' was 1; it must be in [0, 1).", e.Message);
    }

    private sealed class TextFeatures
    {
        [VectorType(2)]
        public string[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class FloatLabel
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }

        public static SchemaDefinition Definition()
        {
            var d = SchemaDefinition.Create(typeof(FloatLabel));
            d[nameof(Features)].ColumnType = FrameData.FramesType(3);
            return d;
        }
    }
}
