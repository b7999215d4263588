using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Sweeps;
using MLNet.Recurrent.Translation;

namespace MLNet.Recurrent.Tests.Sweeps;

public sealed class SweepSearchSpaceTests
{
    [Fact]
    public void Classifier_attributes_become_ranges_on_a_log_scale_and_choices()
    {
        var space = new SweepSearchSpace<LstmSequenceClassifier.Options>();

        SweepParameter hidden = space["HiddenSize"]!;
        Assert.Equal((SweepParameterKind.Range, typeof(int), 16.0, 256.0, true, (object?)64),
            (hidden.Kind, hidden.ValueType, hidden.Min!.Value, hidden.Max!.Value, hidden.LogScale, hidden.Default));
        SweepParameter rate = space["LearningRate"]!;
        Assert.Equal((typeof(double), 1e-4, 1e-2, true), (rate.ValueType, rate.Min!.Value, rate.Max!.Value, rate.LogScale));
        SweepParameter dropout = space["Dropout"]!;
        Assert.Equal((typeof(float), 0.0, false), (dropout.ValueType, dropout.Min!.Value, dropout.LogScale));
        Assert.Equal([CellType.Lstm, CellType.Gru], space["Cell"]!.Choices);
        Assert.Equal([SequencePoolingMode.Last, SequencePoolingMode.Mean, SequencePoolingMode.Max], space["Pooling"]!.Choices);
        Assert.Equal([true, false], space["Bidirectional"]!.Choices);
        Assert.Equal([16, 32, 64, 128], space["BatchSize"]!.Choices);
        // Column names, sequence limits and the training protocol are not searched.
        Assert.Null(space["FeatureColumnName"]);
        Assert.Null(space["MaxSequenceLength"]);
        Assert.Null(space["ValidationFraction"]);
        Assert.Equal("HiddenSize: Int32 in [16, 256], log scale", hidden.ToString());
    }

    [Fact]
    public void Every_trained_component_declares_a_search_space_whose_defaults_lie_inside_it()
    {
        AssertConsistent(new SweepSearchSpace<LstmSequenceClassifier.Options>(), new LstmSequenceClassifier.Options());
        AssertConsistent(new SweepSearchSpace<CharLanguageModelTrainer.Options>(), new CharLanguageModelTrainer.Options());
        AssertConsistent(new SweepSearchSpace<SequenceLabeler.Options>(), new SequenceLabeler.Options());
        AssertConsistent(new SweepSearchSpace<Seq2SeqTranslator.Options>(), new Seq2SeqTranslator.Options());
        AssertConsistent(new SweepSearchSpace<ConditionedTextGenerator.Options>(), new ConditionedTextGenerator.Options());
        AssertConsistent(new SweepSearchSpace<EchoStateForecaster.Options>(), new EchoStateForecaster.Options());
        AssertConsistent(new SweepSearchSpace<EchoStateSequenceClassifier.Options>(), new EchoStateSequenceClassifier.Options());
    }

    private static void AssertConsistent<T>(SweepSearchSpace<T> space, T defaults) where T : class, new()
    {
        Assert.True(space.Parameters.Count >= 5, $"{typeof(T).FullName} declares only {space.Parameters.Count} searched options.");
        foreach (SweepParameter p in space.Parameters)
        {
            object actual = typeof(T).GetProperty(p.Name)!.GetValue(defaults)!;
            Assert.True(Equals(p.Default, actual), $"{typeof(T).FullName}.{p.Name}: attribute default {p.Default}, option default {actual}.");
            if (p.Kind == SweepParameterKind.Range)
            {
                double value = Convert.ToDouble(actual, System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(value, p.Min!.Value, p.Max!.Value);
            }
            else Assert.Contains(actual, p.Choices);
        }
    }

    [Fact]
    public void Overrides_fix_narrow_add_choices_and_remove()
    {
        var space = new SweepSearchSpace<LstmSequenceClassifier.Options>()
            .Fix("Cell", "Gru")                                  // an enum by name
            .SetRange("HiddenSize", 32, 64, logScale: true)      // narrowed
            .SetChoices("BatchSize", 8, 16)                      // replaced
            .SetChoices("MaxSequenceLength", 20, 40)             // an option without attribute joins the search
            .Remove("Optimizer");

        Assert.Equal((SweepParameterKind.Fixed, (object?)CellType.Gru), (space["Cell"]!.Kind, space["Cell"]!.Default));
        Assert.Equal((32.0, 64.0), (space["HiddenSize"]!.Min!.Value, space["HiddenSize"]!.Max!.Value));
        Assert.Equal([8, 16], space["BatchSize"]!.Choices);
        Assert.Equal([20, 40], space["MaxSequenceLength"]!.Choices);
        Assert.Equal("MaxSequenceLength", space.Parameters[^1].Name);
        Assert.Null(space["Optimizer"]);
    }

    [Fact]
    public void Bad_overrides_name_the_option_the_value_and_what_was_expected()
    {
        var space = new SweepSearchSpace<LstmSequenceClassifier.Options>();

        var unknown = Assert.Throws<ArgumentException>(() => space.SetRange("HidenSize", 1, 2));
        Assert.Contains("'HidenSize' is not a settable property of LstmSequenceClassifier.Options", unknown.Message);
        Assert.Contains("HiddenSize", unknown.Message);
        var log = Assert.Throws<ArgumentOutOfRangeException>(() => space.SetRange("LearningRate", 0, 0.1, logScale: true));
        Assert.Contains("log scale needs min > 0", log.Message);
        var whole = Assert.Throws<ArgumentOutOfRangeException>(() => space.SetRange("HiddenSize", 16.5, 64));
        Assert.Contains("'HiddenSize' is a Int32", whole.Message);
        var choice = Assert.Throws<ArgumentException>(() => space.SetChoices("Cell", "Transformer"));
        Assert.Contains("'Cell' cannot take Transformer", choice.Message);
        Assert.Contains("CellType (RnnTanh, RnnRelu, Lstm, Gru)", choice.Message);
        Assert.Throws<ArgumentException>(() => space.SetRange("Cell", 0, 1));
    }

    [Fact]
    public void A_log_scale_range_is_drawn_uniformly_in_its_logarithm_and_whole_ranges_reach_both_ends()
    {
        var space = new SweepSearchSpace<ToyOptions>();
        var random = new Random(7);
        double[] rates = Enumerable.Range(0, 4000).Select(_ => (double)space["Rate"]!.Sample(random)).ToArray();
        int[] widths = Enumerable.Range(0, 4000).Select(_ => (int)space["Width"]!.Sample(random)).ToArray();

        // [1e-4, 1e-1] spans three decades: a third of the draws fall in each (a linear draw would put 99% in the top one).
        double belowOneInThousand = rates.Count(r => r < 1e-3) / 4000.0;
        Assert.InRange(belowOneInThousand, 0.30, 0.37);
        Assert.All(rates, r => Assert.InRange(r, 1e-4, 1e-1));
        Assert.Equal(1, widths.Min());
        Assert.Equal(64, widths.Max());
        // Log scale over whole numbers: width 1 owns [1, 2) of [1, 65), about 1/6 of the logarithm; 33..64 about 1/6 too.
        Assert.InRange(widths.Count(w => w == 1) / 4000.0, 0.13, 0.20);
        Assert.InRange(widths.Count(w => w > 32) / 4000.0, 0.13, 0.20);
    }
}
