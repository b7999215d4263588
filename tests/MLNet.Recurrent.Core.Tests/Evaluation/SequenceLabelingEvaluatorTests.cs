using MLNet.Recurrent.Core.Evaluation;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Evaluation;

public sealed class SequenceLabelingEvaluatorTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC"];

    //                  B-PER I-PER O  B-LOC I-LOC I-LOC O  B-ORG        O  B-MISC
    private static readonly int[] Gold1 = [1, 2, 0, 3, 4, 4, 0, 5], Gold2 = [0, 7];
    //                  B-PER I-PER O  B-LOC I-LOC O     O  I-ORG        B-MISC I-PER
    private static readonly int[] Pred1 = [1, 2, 0, 3, 4, 0, 0, 6], Pred2 = [7, 2];

    private static SequenceLabelingMetrics HandExample()
    {
        var evaluator = new SequenceLabelingEvaluator(Names.Length, Names);
        evaluator.Add(Gold1, Pred1);
        evaluator.Add(Gold2, Pred2);
        return evaluator.Compute();
    }

    [Fact]
    public void Token_figures_equal_the_hand_computed_example()
    {
        var m = HandExample();
        foreach (var c in m.PerClass) output.WriteLine($"{c.Name,-7} P {c.Precision:F4} R {c.Recall:F4} F1 {c.F1:F4} support {c.Support} predicted {c.Predicted}");
        output.WriteLine($"accuracy {m.TokenAccuracy:F4}, macro-F1 {m.MacroF1:F4}");
        Assert.Equal(0.6, m.TokenAccuracy, 1e-12);            // 6 of 10 steps
        Assert.Equal(10, m.Steps);
        Assert.Equal(2, m.Sequences);
        // F1 per class: O 2/3, B-PER 1, I-PER 2/3, B-LOC 1, I-LOC 2/3, B-ORG 0, I-ORG 0, B-MISC 0; all 8 occur.
        Assert.Equal(0.5, m.MacroF1, 1e-12);
        var o = m.PerClass[0];
        Assert.Equal((2.0 / 3, 2.0 / 3, 2.0 / 3, 3L, 3L), (o.Precision, o.Recall, o.F1, o.Support, o.Predicted));
        var iPer = m.PerClass[2];
        Assert.Equal((0.5, 1.0, 2.0 / 3, 1L, 2L), (iPer.Precision, iPer.Recall, iPer.F1, iPer.Support, iPer.Predicted));
        var iLoc = m.PerClass[4];
        Assert.Equal((1.0, 0.5, 2.0 / 3, 2L, 1L), (iLoc.Precision, iLoc.Recall, iLoc.F1, iLoc.Support, iLoc.Predicted));
        var iOrg = m.PerClass[6];
        Assert.Equal((0.0, 0.0, 0.0, 0L, 1L), (iOrg.Precision, iOrg.Recall, iOrg.F1, iOrg.Support, iOrg.Predicted));
        Assert.Equal("I-ORG", iOrg.Name);

        Assert.Equal(2, m.Confusion[0, 0]);
        Assert.Equal(1, m.Confusion[4, 0]);   // I-LOC read as O
        Assert.Equal(1, m.Confusion[5, 6]);   // B-ORG read as I-ORG
        Assert.Equal(1, m.Confusion[0, 7]);
        Assert.Equal(1, m.Confusion[7, 2]);
        Assert.Equal(10, m.Confusion.ToArray().Cast<long>().Sum());
    }

    [Fact]
    public void Spans_follow_the_conll_rule_on_the_hand_computed_example()
    {
        // Gold spans: PER[0,1] LOC[3,5] ORG[7] | MISC[1]. Predicted: PER[0,1] LOC[3,4] ORG[7] (I-ORG after O starts
        // a span) | MISC[0] PER[1] (I-PER after B-MISC starts a span). Correct: PER[0,1] and ORG[7].
        var s = HandExample().Spans!;
        foreach (var t in s.PerType) output.WriteLine($"{t.Type,-5} P {t.Precision:F4} R {t.Recall:F4} F1 {t.F1:F4} gold {t.GoldSpans} predicted {t.PredictedSpans} correct {t.CorrectSpans}");
        Assert.Equal((4L, 5L, 2L), (s.Total.GoldSpans, s.Total.PredictedSpans, s.Total.CorrectSpans));
        Assert.Equal(0.4, s.Precision, 1e-12);
        Assert.Equal(0.5, s.Recall, 1e-12);
        Assert.Equal(4.0 / 9, s.F1, 1e-12);
        Assert.Equal(["LOC", "MISC", "ORG", "PER"], s.PerType.Select(t => t.Type));
        var per = s.PerType[3];
        Assert.Equal((1L, 2L, 1L, 0.5, 1.0), (per.GoldSpans, per.PredictedSpans, per.CorrectSpans, per.Precision, per.Recall));
        Assert.Equal(0.0, s.PerType[0].F1);   // LOC ends one step early: wrong boundary
    }

    [Theory]
    [InlineData(new[] { 1, 2 }, new[] { 1, 4 }, 1, 2, 0)]        // B-PER I-PER vs B-PER I-LOC: the I-LOC is its own span
    [InlineData(new[] { 2, 2 }, new[] { 1, 2 }, 1, 1, 1)]        // I-PER I-PER (I after O starts) equals B-PER I-PER
    [InlineData(new[] { 1, 2 }, new[] { 1, 1 }, 1, 2, 0)]        // B-PER B-PER is two spans
    [InlineData(new[] { 1, 0, 2 }, new[] { 1, 0, 2 }, 2, 2, 2)]  // O between splits; the I-PER after O is a new span
    [InlineData(new[] { 0, 0 }, new[] { 0, 0 }, 0, 0, 0)]        // no spans: P = R = F1 = 0 (conlleval's convention)
    public void Conll_boundary_cases(int[] gold, int[] predicted, long goldSpans, long predictedSpans, long correct)
    {
        var evaluator = new SequenceLabelingEvaluator(Names.Length, Names);
        evaluator.Add(gold, predicted);
        var s = evaluator.Compute().Spans!;
        Assert.Equal((goldSpans, predictedSpans, correct), (s.Total.GoldSpans, s.Total.PredictedSpans, s.Total.CorrectSpans));
    }

    [Fact]
    public void Spans_never_run_across_sequences()
    {
        var evaluator = new SequenceLabelingEvaluator(Names.Length, Names);
        evaluator.Add([1], [1]);
        evaluator.Add([2], [2]);   // an I-PER opening the next sentence is a new span, not a continuation
        var s = evaluator.Compute().Spans!;
        Assert.Equal((2L, 2L, 2L), (s.Total.GoldSpans, s.Total.PredictedSpans, s.Total.CorrectSpans));
    }

    [Fact]
    public void A_time_major_batch_counts_real_steps_only()
    {
        // [T = 8, B = 2] time-major; column 1 holds the second sequence (length 2) and garbage after it.
        const int T = 8, B = 2;
        var gold = new int[T * B];
        var pred = new int[T * B];
        for (int t = 0; t < T; t++)
        {
            gold[t * B] = Gold1[t];
            pred[t * B] = Pred1[t];
            gold[t * B + 1] = t < 2 ? Gold2[t] : 99;
            pred[t * B + 1] = t < 2 ? Pred2[t] : -5;
        }
        var evaluator = new SequenceLabelingEvaluator(Names.Length, Names);
        evaluator.AddBatch(gold, pred, [8, 2]);
        var m = evaluator.Compute();
        var expected = HandExample();
        Assert.Equal(expected.TokenAccuracy, m.TokenAccuracy);
        Assert.Equal(expected.MacroF1, m.MacroF1);
        Assert.Equal(expected.Spans!.Total, m.Spans!.Total);
        Assert.Equal(expected.Confusion.ToArray(), m.Confusion.ToArray());
    }

    [Fact]
    public void Names_that_are_not_bio_tags_get_no_span_figures_unless_required()
    {
        string[] pos = ["NOUN", "VERB", "DET"];
        var evaluator = new SequenceLabelingEvaluator(3, pos);
        evaluator.Add([2, 0, 1], [2, 0, 0]);
        var m = evaluator.Compute();
        Assert.Null(m.Spans);
        Assert.Equal(2.0 / 3, m.TokenAccuracy, 1e-12);
        // NOUN F1 2/3 (tp 1, support 1, predicted 2), VERB 0, DET 1.
        Assert.Equal((2.0 / 3 + 0 + 1) / 3, m.MacroF1, 1e-12);
        Assert.Contains("'classNames' was \"NOUN\"", Assert.Throws<ArgumentException>(() => new SequenceLabelingEvaluator(3, pos, spans: true)).Message);
        Assert.Null(new SequenceLabelingEvaluator(Names.Length, Names, spans: false).Compute().Spans);
    }

    [Fact]
    public void Bad_input_is_rejected_by_name()
    {
        var evaluator = new SequenceLabelingEvaluator(Names.Length, Names);
        Assert.Contains("'predicted' was \"length 1\"", Assert.Throws<ArgumentException>(() => evaluator.Add([0, 1], [0])).Message);
        Assert.Contains("'gold[1]' was 8", Assert.ThrowsAny<ArgumentException>(() => evaluator.Add([0, 8], [0, 0])).Message);
        Assert.Contains("'predicted[0]' was -1", Assert.ThrowsAny<ArgumentException>(() => evaluator.Add([0], [-1])).Message);
        Assert.Contains("'lengths[1]' was 5", Assert.ThrowsAny<ArgumentException>(() => evaluator.AddBatch(new int[8], new int[8], [4, 5])).Message);
        Assert.Contains("'classNames' was \"2 names\"", Assert.Throws<ArgumentException>(() => new SequenceLabelingEvaluator(3, ["O", "B-X"])).Message);
        Assert.Contains("'classCount' was 0", Assert.ThrowsAny<ArgumentException>(() => new SequenceLabelingEvaluator(0)).Message);
        // Nothing added: zeros, not NaN.
        var empty = new SequenceLabelingEvaluator(3).Compute();
        Assert.Equal((0.0, 0.0, 0L), (empty.TokenAccuracy, empty.MacroF1, empty.Steps));
    }
}
