using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.SequenceLabeling;

/// <summary>Bad input gets an exception naming the column, the row and what was expected; nothing is dropped.</summary>
public sealed class SequenceLabelerInputTests
{
    private sealed class FrameRow
    {
        public float[] Features { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private static IDataView Frames(MLContext ml, params FrameRow[] rows)
    {
        var definition = SchemaDefinition.Create(typeof(FrameRow));
        definition[nameof(FrameRow.Features)].ColumnType = FrameData.FramesType(2);
        return ml.Transforms.Conversion.MapValueToKey("Label", nameof(FrameRow.Tags))
            .Fit(ml.Data.LoadFromEnumerable(rows, definition)).Transform(ml.Data.LoadFromEnumerable(rows, definition));
    }

    private static SequenceLabeler Labeler(MLContext ml) => ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
    {
        FeatureColumnName = "Features", HiddenSize = 4, Epochs = 1, ValidationFraction = 0, Seed = 1,
    });

    private static FrameRow Good(int steps) => new()
    {
        Features = Enumerable.Range(0, 2 * steps).Select(i => (float)i).ToArray(),
        Tags = Enumerable.Range(0, steps).Select(i => i % 2 == 0 ? "on" : "off").ToArray(),
    };

    [Fact]
    public void A_label_vector_longer_than_the_sequence_names_both_columns_both_lengths_and_the_row()
    {
        var ml = new MLContext(seed: 1);
        var bad = Good(3);
        bad.Tags = ["on", "off", "on", "off"];
        var e = Assert.Throws<InvalidOperationException>(() => Labeler(ml).Fit(Frames(ml, Good(2), bad)));
        Assert.Contains("Column 'Label', row 1", e.Message);
        Assert.Contains("4 labels", e.Message);
        Assert.Contains("column 'Features' holds 3 frames of 2 features", e.Message);
    }

    [Fact]
    public void A_nan_frame_value_names_the_column_row_frame_and_feature()
    {
        var ml = new MLContext(seed: 1);
        var bad = Good(3);
        bad.Features[5] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => Labeler(ml).Fit(Frames(ml, Good(2), Good(2), bad)));
        Assert.Contains("Column 'Features', row 2", e.Message);
        Assert.Contains("frame 2, feature 1", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void An_empty_sequence_at_training_is_an_error_naming_the_row_and_gives_empty_outputs_at_prediction()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() => Labeler(ml).Fit(Frames(ml, Good(2), new FrameRow())));
        Assert.Contains("Column 'Features', row 1: the sequence is empty", e.Message);

        var model = Labeler(ml).Fit(Frames(ml, Good(2), Good(3)));
        IDataView scored = model.Transform(Frames(ml, new FrameRow { Tags = ["on"] }, Good(2)));
        uint[][] labels = TagData.ReadKeys(scored, "PredictedLabels");
        Assert.Empty(labels[0]);
        Assert.Equal(2, labels[1].Length);
        Assert.Empty(FrameData.ReadColumn(scored, "Scores")[0]);
    }

    [Fact]
    public void A_label_the_key_map_never_saw_is_an_error_naming_the_row_and_step()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(TagData.Make(4, seed: 1));
        var keys = TagData.Featurize(ml).Fit(train);
        var rows = TagData.Make(3, seed: 2);
        rows[2].Tags[1] = "ADJ";
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.SequenceLabeler("Label", "Tokens")
            .Fit(keys.Transform(ml.Data.LoadFromEnumerable(rows))));
        Assert.Contains("Column 'Label', row 2: the label of step 1 is the missing key", e.Message);
    }

    private sealed class OneTagRow
    {
        public string[] Words { get; set; } = [];
        public string Tag { get; set; } = "";
    }

    [Fact]
    public void A_single_key_label_or_a_text_feature_is_rejected_naming_the_column_and_its_type()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TagData.Make(4, seed: 1));
        var featurized = TagData.Featurize(ml).Fit(data).Transform(data);
        var text = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.SequenceLabeler("Label", "Words").Fit(featurized));
        Assert.Contains("Column 'Words' has type", text.Message);

        IDataView single = ml.Data.LoadFromEnumerable([new OneTagRow { Words = ["a", "cat"], Tag = "NOUN" }]);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Tokens", "Words").Append(ml.Transforms.Conversion.MapValueToKey("Label", "Tag"))
            .Fit(single).Transform(single);
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Recurrent.SequenceLabeler("Label", "Tokens").Fit(keyed));
        Assert.Contains("Column 'Label' has type", e.Message);
        Assert.Contains("a vector of keys (labels mapped by MapValueToKey), one per step", e.Message);
    }

    [Fact]
    public void Class_weights_of_the_wrong_count_or_with_a_crf_are_rejected_naming_the_option()
    {
        var ml = new MLContext(seed: 1);
        var crf = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
        { OutputLayer = MLNet.Recurrent.Core.Models.SequenceOutputLayer.Crf, ClassWeights = [1f, 2f] }));
        Assert.Contains("'ClassWeights'", crf.Message);
        var count = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
        { FeatureColumnName = "Features", ClassWeights = [1f, 2f, 3f], Epochs = 1 }).Fit(Frames(ml, Good(2))));
        Assert.Contains("one weight per label key of column 'Label' (2)", count.Message);
    }
}
