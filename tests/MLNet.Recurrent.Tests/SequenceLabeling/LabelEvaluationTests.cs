using Microsoft.ML;

namespace MLNet.Recurrent.Tests.SequenceLabeling;

/// <summary>EvaluateLabels on a hand-computed example, and its row checks.</summary>
public sealed class LabelEvaluationTests
{
    private sealed class Row
    {
        public string[] Gold { get; set; } = [];
        public string[] Predicted { get; set; } = [];
    }

    [Fact]
    public void Accuracy_per_class_figures_and_conll_spans_match_a_hand_count()
    {
        var ml = new MLContext(seed: 1);
        // Gold: [PER Ann Lee] saw [LOC Rome] | [LOC Oslo] .   Predicted: [PER Ann] [PER Lee] saw [LOC Rome] | O O
        var rows = new[]
        {
            new Row { Gold = ["B-PER", "I-PER", "O", "B-LOC"], Predicted = ["B-PER", "B-PER", "O", "B-LOC"] },
            new Row { Gold = ["B-LOC", "O"], Predicted = ["O", "O"] },
        };
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        // The predictions use the gold column's key map (MapValueToKey with keyData from the gold tags).
        IDataView keyData = ml.Data.LoadFromEnumerable(new[] { "B-PER", "I-PER", "O", "B-LOC" }.Select(v => new { Value = v }));
        IDataView both = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Gold), keyData: keyData)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabels", nameof(Row.Predicted), keyData: keyData))
            .Fit(data).Transform(data);

        var m = ml.Transforms.Recurrent.EvaluateLabels(both);
        Assert.Equal(6, m.Steps);
        Assert.Equal(2, m.Sequences);
        Assert.Equal(4.0 / 6, m.TokenAccuracy, 10); // wrong: I-PER -> B-PER, B-LOC -> O
        Assert.NotNull(m.Spans);
        // Gold spans: PER(0-1), LOC(3), LOC(row 2, 0) = 3. Predicted spans: PER(0), PER(1), LOC(3) = 3. Correct: LOC(3) = 1.
        Assert.Equal(1.0 / 3, m.Spans!.Precision, 10);
        Assert.Equal(1.0 / 3, m.Spans.Recall, 10);
        // Class O (key order B-PER, I-PER, O, B-LOC): gold 2, predicted 3, right 2 -> precision 2/3, recall 1.
        Assert.Equal(2.0 / 3, m.PerClass[2].Precision, 10);
        Assert.Equal(1.0, m.PerClass[2].Recall, 10);
    }

    [Fact]
    public void Rows_whose_two_vectors_differ_in_length_are_an_error_naming_the_row_and_both_lengths()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new Row { Gold = ["O", "B-X"], Predicted = ["O", "B-X"] }, new Row { Gold = ["O", "O", "O"], Predicted = ["O"] } };
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        IDataView keyData = ml.Data.LoadFromEnumerable(new[] { "O", "B-X" }.Select(v => new { Value = v }));
        IDataView both = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Gold), keyData: keyData)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabels", nameof(Row.Predicted), keyData: keyData))
            .Fit(data).Transform(data);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Recurrent.EvaluateLabels(both));
        Assert.Contains("Column 'Label', row 1: it holds 3 labels but column 'PredictedLabels' holds 1", e.Message);
    }
}
