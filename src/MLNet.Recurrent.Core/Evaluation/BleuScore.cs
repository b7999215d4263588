using System.Globalization;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>A BLEU score and the statistics it came from, as sacreBLEU's <c>BLEUScore</c>.</summary>
/// <param name="Score">BLEU on the 0-100 scale.</param>
/// <param name="Precisions">The n-gram precisions p_1..p_N on the 0-100 scale, after smoothing.</param>
/// <param name="BrevityPenalty">BP = exp(1 - r/c) when the hypotheses are shorter than the references (c &lt; r), else 1.</param>
/// <param name="SystemLength">c: the hypotheses' words.</param>
/// <param name="ReferenceLength">r: the closest reference length of each segment, summed.</param>
/// <param name="Counts">The clipped n-gram matches of each order.</param>
/// <param name="Totals">The hypothesis n-grams of each order.</param>
public sealed record BleuScore(
    double Score, IReadOnlyList<double> Precisions, double BrevityPenalty, long SystemLength, long ReferenceLength,
    IReadOnlyList<long> Counts, IReadOnlyList<long> Totals)
{
    /// <summary>sacreBLEU's one-line format: <c>BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)</c>.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        double ratio = ReferenceLength > 0 ? (double)SystemLength / ReferenceLength : 0;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", c)));
        return string.Create(c, $"BLEU = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {ratio:F3} hyp_len = {SystemLength} ref_len = {ReferenceLength})");
    }
}
