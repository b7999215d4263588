namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>Span-level figures (CoNLL rule) of one span type, or of all types together, on the 0-1 scale; 0 where a denominator is 0, as conlleval.</summary>
/// <param name="Type">The span type ("PER", "LOC", ...); empty for the total over all types.</param>
/// <param name="Precision">Correct spans over predicted spans.</param>
/// <param name="Recall">Correct spans over gold spans.</param>
/// <param name="F1">2 P R / (P + R).</param>
/// <param name="GoldSpans">Spans in the gold tags.</param>
/// <param name="PredictedSpans">Spans in the predicted tags.</param>
/// <param name="CorrectSpans">Predicted spans whose type and both boundaries match a gold span.</param>
public sealed record SpanTypeMetrics(string Type, double Precision, double Recall, double F1, long GoldSpans, long PredictedSpans, long CorrectSpans)
{
    internal static SpanTypeMetrics Of(string type, long gold, long predicted, long correct)
    {
        double p = predicted > 0 ? (double)correct / predicted : 0;
        double r = gold > 0 ? (double)correct / gold : 0;
        return new(type, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0, gold, predicted, correct);
    }
}
