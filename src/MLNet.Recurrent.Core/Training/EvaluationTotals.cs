namespace MLNet.Recurrent.Core.Training;

/// <summary>Sums over scored batches: negative log-likelihood (nats), targets counted, targets predicted right.</summary>
/// <param name="NllSum">The summed negative log-likelihood in nats.</param>
/// <param name="Count">The number of targets that counted.</param>
/// <param name="Correct">The number of targets whose most likely class was the right one.</param>
public readonly record struct EvaluationTotals(double NllSum, double Count, double Correct)
{
    /// <summary>The element-wise sum of two totals.</summary>
    public static EvaluationTotals operator +(EvaluationTotals a, EvaluationTotals b) =>
        new(a.NllSum + b.NllSum, a.Count + b.Count, a.Correct + b.Correct);

    /// <summary>Mean loss and accuracy per target (0 for both when nothing counted).</summary>
    public EvaluationResult ToResult() =>
        new(Count > 0 ? NllSum / Count : 0, Count > 0 ? Correct / Count : 0, (long)Count);
}
