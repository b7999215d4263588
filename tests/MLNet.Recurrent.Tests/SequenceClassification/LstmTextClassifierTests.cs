using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// The ML.NET workout for LstmTextClassifier: the same model as the recipe's hand-written pipeline, schema, save/load
/// and PredictionEngine, string and Boolean labels through ML.NET's evaluators, and bad input.
/// </summary>
public sealed class LstmTextClassifierTests(ITestOutputHelper output)
{
    public sealed class BooleanRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    public sealed class FloatTextRow
    {
        public float Text { get; set; }
        public string Label { get; set; } = "";
    }

    public sealed class FloatLabelRow
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
    }

    /// <summary>The short-text recipe made small and fast: only sizes, epochs and learning rate differ.</summary>
    private static void MakeSmall(LstmSequenceClassifier.Options o, int? seed, double learningRate)
    {
        o.HiddenSize = 8;
        o.EmbeddingSize = 8;
        o.Epochs = 3;
        o.LearningRate = learningRate;
        o.Seed = seed;
    }

    private static LstmTextClassifier.Options Small(int? seed = 3, double learningRate = 0.02)
    {
        var options = new LstmTextClassifier.Options();
        MakeSmall(options.Classifier, seed, learningRate);
        return options;
    }

    /// <summary>The recipe as README writes it by hand, with the same small settings.</summary>
    private static IEstimator<ITransformer> HandBuilt(MLContext ml, int? seed, double learningRate)
    {
        LstmSequenceClassifier.Options o = LstmSequenceClassifier.Options.ForShortText("Tokens", "NGrams");
        MakeSmall(o, seed, learningRate);
        return ml.Transforms.Text.FeaturizeText("NGrams", new TextFeaturizingEstimator.Options { Norm = TextFeaturizingEstimator.NormFunction.None }, "Text")
            .Append(ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Norm"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(o));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void scores_equal_the_hand_built_recipe_pipeline_bit_for_bit(bool seedFromContext)
    {
        SentenceData.Row[] trainRows = SentenceData.Make(120, seed: 11), testRows = SentenceData.Make(40, seed: 12);
        int? seed = seedFromContext ? null : 3;
        const double LearningRate = 2e-3; // the recipe's: the scores stay far from 0 and 1, where every bit shows

        var byHand = new MLContext(seed: 1);
        IDataView handTrain = byHand.Data.LoadFromEnumerable(trainRows);
        IDataView handScored = HandBuilt(byHand, seed, LearningRate).Fit(handTrain).Transform(byHand.Data.LoadFromEnumerable(testRows));

        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(trainRows);
        IDataView scored = ml.Transforms.Recurrent.LstmTextClassifier(Small(seed, LearningRate)).Fit(train).Transform(ml.Data.LoadFromEnumerable(testRows));

        float[][] expected = SentenceData.ReadVectors(handScored, "Score"), actual = SentenceData.ReadVectors(scored, "Score");
        Assert.Equal(testRows.Length, actual.Length);
        for (int r = 0; r < actual.Length; r++) Assert.Equal(expected[r], actual[r]);
        Assert.Equal(SentenceData.ReadScalars<uint>(handScored, "PredictedLabel"), SentenceData.ReadScalars<uint>(scored, "PredictedLabel"));
        // Not a degenerate model: the scores differ from row to row and are not saturated.
        Assert.True(actual.Select(s => s[0]).Distinct().Count() > 10);
        Assert.True(actual.Count(s => s.Max() < 0.999f) > actual.Length / 2, "most rows' top probability is below 0.999");
        output.WriteLine($"row 0: {string.Join(", ", actual[0])}");

        // The output is the input (the label now a key) plus Score and PredictedLabel: the intermediate columns are gone.
        Assert.Equal(["Text", "Label", "Score", "PredictedLabel"], scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        Assert.IsType<KeyDataViewType>(scored.Schema["Label"].Type);
    }

    [Fact]
    public void estimator_declares_the_output_columns_without_the_intermediate_ones()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Data.LoadFromEnumerable(SentenceData.Make(10, seed: 1));
        SchemaShape shape = ml.Transforms.Recurrent.LstmTextClassifier().GetOutputSchema(SchemaShapes.Create(text.Schema));
        Assert.Equal(["Label", "PredictedLabel", "Score", "Text"], shape.Select(c => c.Name).Order());
        Assert.True(Assert.Single(shape, c => c.Name == "Label").IsKey);
        Assert.Contains(Assert.Single(shape, c => c.Name == "PredictedLabel").Annotations, a => a.Name == "KeyValues");

        // A key label is read as it is.
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(text).Transform(text);
        SchemaShape keyShape = ml.Transforms.Recurrent.LstmTextClassifier().GetOutputSchema(SchemaShapes.Create(keyed.Schema));
        Assert.Equal(["Label", "PredictedLabel", "Score", "Text"], keyShape.Select(c => c.Name).Order());
        Assert.True(Assert.Single(keyShape, c => c.Name == "PredictedLabel").IsKey);

        IDataView binary = ml.Data.LoadFromEnumerable(new[] { new BooleanRow { Text = "a", Label = true } });
        SchemaShape binaryShape = ml.Transforms.Recurrent.LstmTextClassifier().GetOutputSchema(SchemaShapes.Create(binary.Schema));
        Assert.Equal(["Label", "PredictedLabel", "Probability", "Score", "Text"], binaryShape.Select(c => c.Name).Order());
        Assert.Equal(BooleanDataViewType.Instance, Assert.Single(binaryShape, c => c.Name == "Label").ItemType);
    }

    [Fact]
    public void string_label_learns_as_measured_by_multiclass_evaluate_and_survives_a_model_zip_round_trip()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(150, seed: 2));
        SentenceData.Row[] testRows = SentenceData.Make(60, seed: 3);
        IDataView test = ml.Data.LoadFromEnumerable(testRows);
        // Inside a longer pipeline, as users write it: the class names come back through MapKeyToValue.
        ITransformer model = ml.Transforms.Recurrent.LstmTextClassifier(Small())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"))
            .Fit(train);
        IDataView scored = model.Transform(test);

        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);
        output.WriteLine($"accuracy {metrics.MicroAccuracy:F3}, log-loss {metrics.LogLoss:F3} (chance: 0.33, {Math.Log(3):F3})");
        Assert.True(metrics.MicroAccuracy >= 0.9, $"accuracy {metrics.MicroAccuracy}");
        Assert.True(metrics.LogLoss < 0.7, $"log-loss {metrics.LogLoss}");
        float[][] before = SentenceData.ReadVectors(scored, "Score");

        string path = Path.Combine(Path.GetTempPath(), $"text-classifier-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var other = new MLContext(seed: 5);
            ITransformer loaded = other.Model.Load(path, out _);
            float[][] after = SentenceData.ReadVectors(loaded.Transform(other.Data.LoadFromEnumerable(testRows)), "Score");
            Assert.Equal(before.Length, after.Length);
            for (int r = 0; r < before.Length; r++) Assert.Equal(before[r], after[r]);

            // One row at a time, as an application serves it (the label is not known then).
            var engine = other.Model.CreatePredictionEngine<SentenceData.Row, SentenceData.Prediction>(loaded);
            for (int r = 0; r < 5; r++)
            {
                SentenceData.Prediction p = engine.Predict(new SentenceData.Row { Text = testRows[r].Text });
                Assert.Equal(before[r], p.Score);
                Assert.Equal(testRows[r].Label, p.PredictedText);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void boolean_label_learns_as_measured_by_binary_evaluate()
    {
        static BooleanRow[] Make(int count, int seed) =>
            SentenceData.Make(count, seed).Select(r => new BooleanRow { Text = r.Text, Label = r.Label == "R" }).ToArray();
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Make(150, seed: 4));
        IDataView test = ml.Data.LoadFromEnumerable(Make(60, seed: 5));
        IDataView scored = ml.Transforms.Recurrent.LstmTextClassifier(Small()).Fit(train).Transform(test);

        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);
        output.WriteLine($"accuracy {metrics.Accuracy:F3}, AUC {metrics.AreaUnderRocCurve:F3}, log-loss {metrics.LogLoss:F3}");
        Assert.True(metrics.Accuracy >= 0.9, $"accuracy {metrics.Accuracy}");
        Assert.True(metrics.AreaUnderRocCurve >= 0.95, $"AUC {metrics.AreaUnderRocCurve}");
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["Label"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
    }

    [Fact]
    public void text_column_that_is_not_a_string_is_refused_naming_it_and_its_type()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new FloatTextRow { Text = 1, Label = "a" } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier().Fit(data));
        Assert.Contains("Column 'Text' has type Single; LstmTextClassifier expects a single String", error.Message);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier().GetOutputSchema(SchemaShapes.Create(data.Schema)));
        Assert.Contains("Column 'Text' has type Single", error.Message);
    }

    [Fact]
    public void label_that_is_neither_text_nor_key_nor_boolean_is_refused_naming_it_and_its_type()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Text = "a b", Label = 1 } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier().Fit(data));
        Assert.Contains("Column 'Label' has type Single; LstmTextClassifier expects a single String (class names, mapped to keys here), a single key or a single Boolean", error.Message);
    }

    [Theory]
    [InlineData("LabelColumnName", "Other", "'Classifier.LabelColumnName' was \"Other\"")]
    [InlineData("FeatureColumnName", "Features", "'Classifier.FeatureColumnName' was \"Features\"")]
    [InlineData("SideColumnName", null, "'Classifier.SideColumnName' was null")]
    public void classifier_column_names_other_than_the_recipes_are_refused_naming_the_option(string option, string? value, string expected)
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmTextClassifier.Options();
        typeof(LstmSequenceClassifier.Options).GetProperty(option)!.SetValue(options.Classifier, value);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier(options));
        output.WriteLine(error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains("ForShortText()", error.Message);
    }

    [Fact]
    public void classifier_column_names_equal_to_the_ones_it_builds_are_accepted()
    {
        var ml = new MLContext(seed: 1);
        var options = new LstmTextClassifier.Options { LabelColumnName = "Sentiment", TextColumnName = "Review" };
        options.Classifier.LabelColumnName = "Sentiment";
        options.Classifier.FeatureColumnName = "Review.Tokens";
        options.Classifier.SideColumnName = "Review.NGrams";
        Assert.NotNull(ml.Transforms.Recurrent.LstmTextClassifier(options));
    }

    [Fact]
    public void input_holding_an_intermediate_column_name_is_refused_naming_it()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(SentenceData.Make(10, seed: 1));
        IDataView taken = ml.Transforms.CopyColumns("Text.Tokens", "Text").Fit(data).Transform(data);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier().Fit(taken));
        Assert.Contains("Column 'Text.Tokens' is already in the input; LstmTextClassifier builds its intermediate columns", error.Message);
    }

    [Fact]
    public void label_and_text_in_the_same_column_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmTextClassifier("Text", "Text"));
        Assert.Contains("'LabelColumnName' was \"Text\"; it must differ from 'TextColumnName'", error.Message);
    }
}
