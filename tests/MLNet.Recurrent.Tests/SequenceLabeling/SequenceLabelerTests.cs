using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceLabeling;

/// <summary>The labeler on tokens: learning from context, the output columns, PredictionEngine, the CRF option, evaluation.</summary>
public sealed class SequenceLabelerTests(ITestOutputHelper output)
{
    internal static SequenceLabeler.Options SmallOptions(SequenceOutputLayer layer = SequenceOutputLayer.Softmax) => new()
    {
        LabelColumnName = "Label", FeatureColumnName = "Tokens", EmbeddingSize = 8, HiddenSize = 16, Epochs = 25, BatchSize = 16,
        LearningRate = 1e-2, ValidationFraction = 0, MinTokenCount = 1, Seed = 3, OutputLayer = layer,
    };

    private static (MLContext Ml, ITransformer Model) Fit(SequenceOutputLayer layer = SequenceOutputLayer.Softmax)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(TagData.Make(150, seed: 1));
        ITransformer model = TagData.Featurize(ml)
            .Append(ml.Transforms.Recurrent.SequenceLabeler(SmallOptions(layer)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabels"))
            .Fit(train);
        return (ml, model);
    }

    [Theory]
    [InlineData(SequenceOutputLayer.Softmax)]
    [InlineData(SequenceOutputLayer.Crf)]
    public void It_tags_an_ambiguous_word_from_its_context_and_maps_the_tags_back_to_strings(SequenceOutputLayer layer)
    {
        (MLContext ml, ITransformer model) = Fit(layer);
        TagData.Row[] rows = TagData.Make(60, seed: 2);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var metrics = ml.Transforms.Recurrent.EvaluateLabels(scored);
        var predicted = ml.Data.CreateEnumerable<TagData.Prediction>(scored, reuseRowObject: false).ToArray();
        int fish = 0, fishRight = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Words.Length, predicted[r].PredictedTags.Length);
            for (int t = 0; t < rows[r].Words.Length; t++)
            {
                if (rows[r].Words[t] != "fish") continue;
                fish++;
                if (predicted[r].PredictedTags[t] == rows[r].Tags[t]) fishRight++;
            }
        }
        output.WriteLine($"{layer}: token accuracy {metrics.TokenAccuracy:P2}, macro-F1 {metrics.MacroF1:P2}, 'fish' {fishRight}/{fish}");
        Assert.True(fish > 10);
        Assert.True(fishRight >= fish - 1, $"'fish' right {fishRight} of {fish}"); // a noun after a determiner, a verb after a noun
        Assert.True(metrics.TokenAccuracy > 0.99, $"accuracy {metrics.TokenAccuracy}");
        Assert.Equal(rows.Sum(r => r.Words.Length), metrics.Steps);
    }

    [Fact]
    public void Scores_are_T_rows_of_K_probabilities_and_the_predicted_label_is_each_rows_argmax()
    {
        (MLContext ml, ITransformer model) = Fit();
        TagData.Row[] rows = TagData.Make(10, seed: 4);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var scoresType = (VectorDataViewType)scored.Schema["Scores"].Type;
        Assert.Equal([0, 3], scoresType.Dimensions.ToArray());
        float[][] scores = FrameData.ReadColumn(scored, "Scores");
        uint[][] keys = TagData.ReadKeys(scored, "PredictedLabels");
        for (int r = 0; r < rows.Length; r++)
        {
            int steps = rows[r].Words.Length;
            Assert.Equal(steps * 3, scores[r].Length);
            for (int t = 0; t < steps; t++)
            {
                var row = scores[r].AsSpan(t * 3, 3);
                Assert.Equal(1f, row.ToArray().Sum(), 4);
                Assert.Equal((uint)(row.IndexOf(row.ToArray().Max()) + 1), keys[r][t]);
            }
        }
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["PredictedLabels"].GetKeyValues(ref names);
        Assert.Equal(["DET", "NOUN", "VERB"], names.DenseValues().Select(n => n.ToString()));
    }

    [Fact]
    public void A_prediction_engine_on_array_properties_gives_what_transform_gives()
    {
        (MLContext ml, ITransformer model) = Fit();
        TagData.Row[] rows = TagData.Make(12, seed: 5);
        float[][] scores = FrameData.ReadColumn(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Scores");
        var engine = ml.Model.CreatePredictionEngine<TagData.Row, TagData.Prediction>(model);
        for (int r = 0; r < rows.Length; r++)
        {
            TagData.Prediction p = engine.Predict(rows[r]);
            Assert.Equal(scores[r], p.Scores);
            Assert.Equal(rows[r].Tags, p.PredictedTags);
        }
    }

    [Fact]
    public void The_estimator_announces_scores_and_predicted_labels_and_rejects_a_text_feature_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(TagData.Make(5, seed: 1));
        var featurized = TagData.Featurize(ml).Fit(train).Transform(train);
        SchemaShape shape = ml.Transforms.Recurrent.SequenceLabeler("Label", "Tokens").GetOutputSchema(SchemaShapes.Create(featurized.Schema));
        SchemaShape.Column scores = Assert.Single(shape, c => c.Name == "Scores");
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, scores.Kind);
        Assert.Equal(NumberDataViewType.Single, scores.ItemType);
        SchemaShape.Column labels = Assert.Single(shape, c => c.Name == "PredictedLabels");
        Assert.True(labels.IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.VariableVector, labels.Kind);
        Assert.Contains(labels.Annotations, a => a.Name == "KeyValues");
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.SequenceLabeler("Label", "Words").Fit(featurized));
        Assert.Contains("Column 'Words'", e.Message);
        Assert.Contains("a vector of keys", e.Message);
    }
}
