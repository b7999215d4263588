using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.TestSupport;

/// <summary>
/// Central finite-difference gradient checks. The loss is evaluated by running the float32 forward pass
/// and summing its terms in double; each analytic gradient element is compared with
/// <c>(L(w + eps) - L(w - eps)) / (2 eps)</c>.
/// </summary>
internal static class GradientCheck
{
    /// <summary>One tensor to check: its values (perturbed in place and restored) and its analytic gradient.</summary>
    internal sealed record Target(string Name, float[] Values, int Offset, int Length, float[] Analytic, int AnalyticOffset);

    /// <summary>Builds a target over a whole array.</summary>
    public static Target Of(string name, float[] values, float[] analytic) => new(name, values, 0, values.Length, analytic, 0);

    /// <summary>
    /// Checks every element of every target (or a seeded sample of at most <paramref name="maxPerTarget"/>
    /// per target) and returns the largest error, where an element's error is
    /// <c>|analytic - numeric| / max(|analytic| + |numeric|, floor)</c>. The floor keeps near-zero gradients,
    /// where float32 round-off dominates, from reporting huge relative errors.
    /// </summary>
    public static double MaxRelativeError(
        Func<double> loss, IEnumerable<Target> targets, ITestOutputHelper? output = null,
        float eps = 1e-2f, double floor = 1e-2, int maxPerTarget = int.MaxValue, int seed = 0)
    {
        double worst = 0;
        var rng = new Random(seed);
        foreach (var t in targets)
        {
            double worstHere = 0;
            string where = "";
            IEnumerable<int> indices = Enumerable.Range(0, t.Length);
            if (t.Length > maxPerTarget) indices = indices.OrderBy(_ => rng.Next()).Take(maxPerTarget).ToArray();
            foreach (int i in indices)
            {
                ref float w = ref t.Values[t.Offset + i];
                float saved = w;
                w = saved + eps;
                double plus = loss();
                w = saved - eps;
                double minus = loss();
                w = saved;
                double numeric = (plus - minus) / (2.0 * eps);
                double analytic = t.Analytic[t.AnalyticOffset + i];
                double err = Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), floor);
                if (err > worstHere)
                {
                    worstHere = err;
                    where = $"[{i}] analytic {analytic:G6} numeric {numeric:G6}";
                }
            }
            output?.WriteLine($"  {t.Name,-28} max relative error {worstHere:E2} {where}");
            worst = Math.Max(worst, worstHere);
        }
        output?.WriteLine($"  overall max relative error {worst:E2}");
        return worst;
    }
}
