namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// Span-level precision, recall and F1 of BIO (IOB2) tags by the CoNLL rule (conlleval): a span is correct only if
/// its type and both boundaries match a gold span; an I- tag after O or after a tag of another type starts a new span.
/// </summary>
/// <param name="Total">The figures over all span types.</param>
/// <param name="PerType">The figures of each type that occurs in the gold or predicted tags, ordered by type name (ordinal).</param>
public sealed record SpanMetrics(SpanTypeMetrics Total, IReadOnlyList<SpanTypeMetrics> PerType)
{
    /// <summary>Overall span precision.</summary>
    public double Precision => Total.Precision;

    /// <summary>Overall span recall.</summary>
    public double Recall => Total.Recall;

    /// <summary>Overall span F1 (conlleval's FB1, on the 0-1 scale).</summary>
    public double F1 => Total.F1;
}
