using Microsoft.ML;
using MLNet.Recurrent.Sweeps;

namespace MLNet.Recurrent.Tests.Sweeps;

/// <summary>The metric factories on hand-made scored rows.</summary>
public sealed class SweepMetricTests
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
        public float LogLikelihood { get; set; }
    }

    public sealed class Pair
    {
        public string Reference { get; set; } = "";
        public string Translation { get; set; } = "";
    }

    [Fact]
    public void Bits_per_character_weighs_each_row_by_its_length()
    {
        var ml = new MLContext(0);
        // 2 bits for each of 4 characters, 1 bit for each of 12: 20 bits over 16 characters.
        IDataView scored = ml.Data.LoadFromEnumerable(new[]
        {
            new TextRow { Text = "abcd", LogLikelihood = (float)(-8 * Math.Log(2)) },
            new TextRow { Text = "efghijklmnop", LogLikelihood = (float)(-12 * Math.Log(2)) },
        });
        SweepMetric metric = SweepMetric.BitsPerCharacter();
        Assert.Equal(20.0 / 16, metric.Evaluate(ml, scored), 1e-6);
        Assert.Equal(SweepDirection.Minimize, metric.Direction);
        Assert.True(metric.IsBetter(1.1, 1.25));
    }

    [Fact]
    public void Bleu_is_100_for_a_perfect_translation_and_lower_for_a_wrong_one()
    {
        var ml = new MLContext(0);
        IDataView perfect = ml.Data.LoadFromEnumerable(new[]
        {
            new Pair { Reference = "the house is small and old", Translation = "the house is small and old" },
            new Pair { Reference = "a dog runs in the park today", Translation = "a dog runs in the park today" },
        });
        IDataView poor = ml.Data.LoadFromEnumerable(new[]
        {
            new Pair { Reference = "the house is small and old", Translation = "the house is big and new" },
            new Pair { Reference = "a dog runs in the park today", Translation = "a cat sleeps in the park today" },
        });
        SweepMetric bleu = SweepMetric.Bleu("Reference");
        Assert.Equal(100, bleu.Evaluate(ml, perfect), 1e-9);
        Assert.InRange(bleu.Evaluate(ml, poor), 1, 60);
        Assert.Equal(SweepDirection.Maximize, bleu.Direction);
    }

    [Fact]
    public void A_classification_metric_names_the_missing_label_column()
    {
        var ml = new MLContext(0);
        IDataView scored = ml.Data.LoadFromEnumerable(new[] { new Pair() });
        var e = Assert.Throws<ArgumentException>(() => SweepMetric.Accuracy("Sentiment").Evaluate(ml, scored));
        Assert.Contains("'Sentiment'", e.Message);
        Assert.Contains("Reference, Translation", e.Message);
    }
}
