using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// The ML.NET workout for LstmSequenceClassifier: schema propagation, learning measured by ML.NET's own
/// evaluators (multiclass and binary, cross-validation), logging, cancellation and determinism.
/// </summary>
public sealed class LstmSequenceClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void MulticlassOutputSchemaIsDeclaredByEstimatorAndTransformer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(60, seed: 1));
        var pipeline = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 1)));

        SchemaShape shape = pipeline.GetOutputSchema(SchemaShapes.Create(data.Schema));
        SchemaShape.Column score = Assert.Single(shape, c => c.Name == "Score");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
        Assert.Contains(score.Annotations, a => a.Name == "SlotNames");
        SchemaShape.Column predicted = Assert.Single(shape, c => c.Name == "PredictedLabel");
        Assert.True(predicted.IsKey);
        Assert.Contains(predicted.Annotations, a => a.Name == "KeyValues");

        var model = pipeline.Fit(data);
        DataViewSchema schema = model.GetOutputSchema(data.Schema);
        string[] labelValues = SentenceData.KeyValues(schema["Label"]);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["Score"].Type);
        Assert.Equal(labelValues, SentenceData.SlotNames(schema["Score"]));
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), schema["PredictedLabel"].Type);
        Assert.Equal(labelValues, SentenceData.KeyValues(schema["PredictedLabel"]));
        Assert.Equal(schema["Score"].Type, model.Transform(data).Schema["Score"].Type);
    }

    [Fact]
    public void BinaryOutputSchemaIsDeclaredByEstimatorAndTransformer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SignFrames.ToDataView(ml, SignFrames.Make(40, seed: 1));
        var options = SignFrames.SmallOptions();
        options.Epochs = 1;
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(options);

        SchemaShape shape = estimator.GetOutputSchema(SchemaShapes.Create(data.Schema));
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, Assert.Single(shape, c => c.Name == "Score").Kind);
        Assert.Equal(NumberDataViewType.Single, Assert.Single(shape, c => c.Name == "Probability").ItemType);
        Assert.Equal(BooleanDataViewType.Instance, Assert.Single(shape, c => c.Name == "PredictedLabel").ItemType);

        DataViewSchema schema = estimator.Fit(data).GetOutputSchema(data.Schema);
        Assert.Equal(NumberDataViewType.Single, schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, schema["PredictedLabel"].Type);
    }

    [Fact]
    public void LearnsTokenClassesAsMeasuredByMulticlassEvaluate()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(300, seed: 2));
        SentenceData.Row[] testRows = SentenceData.Make(100, seed: 3);
        IDataView test = ml.Data.LoadFromEnumerable(testRows);
        var model = SentenceData.Featurize(ml)
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"))
            .Fit(train);
        IDataView scored = model.Transform(test);

        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);
        output.WriteLine($"accuracy {metrics.MicroAccuracy:F3}, log-loss {metrics.LogLoss:F3} (chance: 0.33, {Math.Log(3):F3})");
        Assert.True(metrics.MicroAccuracy >= 0.95, $"accuracy {metrics.MicroAccuracy}");
        Assert.True(metrics.LogLoss < 0.3, $"log-loss {metrics.LogLoss}");

        // Score is a distribution, PredictedLabel its arg max, and MapKeyToValue gives back the label text.
        float[][] scores = SentenceData.ReadVectors(scored, "Score");
        uint[] keys = SentenceData.ReadScalars<uint>(scored, "PredictedLabel");
        string[] texts = SentenceData.ReadScalars<ReadOnlyMemory<char>>(scored, "PredictedText").Select(t => t.ToString()).ToArray();
        string[] classes = SentenceData.SlotNames(scored.Schema["Score"]);
        for (int r = 0; r < testRows.Length; r++)
        {
            Assert.Equal(1.0, scores[r].Sum(), 5);
            Assert.Equal(Array.IndexOf(scores[r], scores[r].Max()) + 1, (int)keys[r]);
            Assert.Equal(classes[keys[r] - 1], texts[r]);
        }
        Assert.True(texts.Zip(testRows).Count(p => p.First == p.Second.Label) >= 95);
    }

    [Fact]
    public void LearnsFramesWithBooleanLabelAsMeasuredByBinaryEvaluate()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = SignFrames.ToDataView(ml, SignFrames.Make(300, seed: 2));
        IDataView test = SignFrames.ToDataView(ml, SignFrames.Make(100, seed: 3));
        var model = ml.Transforms.Recurrent.LstmSequenceClassifier(SignFrames.SmallOptions()).Fit(train);
        IDataView scored = model.Transform(test);

        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);
        output.WriteLine($"accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, log-loss {metrics.LogLoss:F3}");
        Assert.True(metrics.Accuracy >= 0.9, $"accuracy {metrics.Accuracy}");
        Assert.True(metrics.AreaUnderRocCurve >= 0.95, $"AUC {metrics.AreaUnderRocCurve}");

        // Probability is the logistic of Score (the log-odds), PredictedLabel is Probability > 0.5.
        float[] score = SentenceData.ReadScalars<float>(scored, "Score");
        float[] probability = SentenceData.ReadScalars<float>(scored, "Probability");
        bool[] predicted = SentenceData.ReadScalars<bool>(scored, "PredictedLabel");
        double maxError = 0;
        for (int r = 0; r < score.Length; r++)
        {
            maxError = Math.Max(maxError, Math.Abs(probability[r] - 1 / (1 + Math.Exp(-score[r]))));
            Assert.Equal(probability[r] > 0.5f, predicted[r]);
        }
        output.WriteLine($"max |Probability - sigmoid(Score)| = {maxError:E2} (tolerance 1e-5)");
        Assert.True(maxError < 1e-5);
        Assert.Contains(predicted, p => p);
        Assert.Contains(predicted, p => !p);
    }

    [Fact]
    public void CrossValidateRunsEveryFold()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(240, seed: 4));
        var pipeline = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 10)));
        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);
        output.WriteLine(string.Join(", ", folds.Select(f => $"fold {f.Fold}: {f.Metrics.MicroAccuracy:F3}")));
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy >= 0.85, $"fold {f.Fold}: {f.Metrics.MicroAccuracy}"));
    }

    [Fact]
    public void EachEpochIsLoggedWithLossAndAccuracy()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(100, seed: 5));
        var model = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 4))).Fit(data);

        var epochs = messages.Where(m => m.Contains("LstmSequenceClassifier: epoch ")).ToList();
        foreach (string m in epochs) output.WriteLine(m);
        Assert.Equal(4, epochs.Count);
        for (int e = 1; e <= 4; e++)
            Assert.Contains(epochs, m => m.Contains($"epoch {e}/4: training loss ") && m.Contains("validation accuracy "));
        var classifier = (SequenceClassificationTransformer)model.LastTransformer;
        Assert.Equal(4, classifier.Training!.History.Count);
        Assert.Contains(messages, m => m.Contains("kept the weights of the best validation loss"));
    }

    [Fact]
    public void Cancellation_token_stops_training_within_an_epoch_and_keeps_the_best_model()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        int epochLines = 0;
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (messages) messages.Add(e.Message);
            if (e.Message.Contains("LstmSequenceClassifier: epoch ")) { Interlocked.Increment(ref epochLines); cts.Cancel(); }
        };
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(200, seed: 6));
        var options = SentenceData.SmallOptions(epochs: 200);
        options.CancellationToken = cts.Token;
        var pipeline = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options));

        var model = pipeline.Fit(data);
        var classifier = (SequenceClassificationTransformer)model.LastTransformer;
        // Canceled while logging epoch 1, so epoch 2 never finished (its first batch sees the token).
        Assert.Equal(1, epochLines);
        Assert.True(classifier.Training!.Canceled);
        Assert.Single(classifier.Training.History); // epoch 1's evaluation: the weights kept are its best
        Assert.Contains(messages, m => m.Contains("canceled by Options.CancellationToken"));
        // The model is usable: it scores rows.
        var scores = SentenceData.ReadVectors(model.Transform(data), "Score");
        Assert.All(scores, s => Assert.True(s.All(float.IsFinite)));
    }

    [Fact]
    public void CancelExecutionStopsFit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(50, seed: 6));
        var featurized = SentenceData.Featurize(ml).Fit(data).Transform(data);
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions());
        Environments.CancelExecution(ml);
        Assert.Throws<OperationCanceledException>(() => estimator.Fit(featurized));
    }

    [Fact]
    public void SameSeedGivesSameModelWhateverTheThreadCount()
    {
        float[][] Run(int threads, int seed)
        {
            var ml = new MLContext(seed: 1);
            IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(80, seed: 7));
            var options = SentenceData.SmallOptions(epochs: 2);
            options.Threads = threads;
            options.Seed = seed;
            return SentenceData.ReadVectors(SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options)).Fit(data).Transform(data), "Score");
        }

        float[][] a = Run(1, 3), b = Run(2, 3), c = Run(1, 4);
        for (int r = 0; r < a.Length; r++) Assert.Equal(a[r], b[r]);
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x)); // the seed matters
    }

    [Fact]
    public void RowsWithMissingLabelsAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        SentenceData.Row[] rows = SentenceData.Make(60, seed: 8);
        IDataView train = ml.Data.LoadFromEnumerable(rows);
        // Keys built from the first 50 rows only would be odd; instead blank 5 labels after mapping.
        var labelMap = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        SentenceData.Row[] blanked = rows.Select((r, i) => new SentenceData.Row { Text = r.Text, Label = i % 12 == 0 ? "unseen" : r.Label }).ToArray();
        IDataView data = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens")).Fit(train).Transform(ml.Data.LoadFromEnumerable(blanked));
        data = labelMap.Transform(data);
        ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 1)).Fit(data);
        Assert.Contains(messages, m => m.Contains("skipped 5 of 60 rows whose label (column 'Label') is the missing key"));
    }
}
