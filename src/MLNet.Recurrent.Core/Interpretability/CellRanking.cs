using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// Finds interpretable units: for every detector and every (layer, kind, unit) of a trace, Pearson's correlation
/// between the unit's activation series and the detector's series over the trace's text, computed in double
/// precision; units are ranked by |r|.
/// </summary>
public static class CellRanking
{
    /// <summary>
    /// Ranks every unit of <paramref name="trace"/> against each detector. Ties in |r| go to the smaller
    /// (layer, kind with <see cref="ActivationKind.Cell"/> first, unit), so the result is deterministic.
    /// </summary>
    /// <param name="trace">The recorded activations and their text.</param>
    /// <param name="detectors">The detectors, names distinct; <see langword="null"/> for <see cref="CellDetectors.All"/>.</param>
    /// <param name="top">How many units to keep per detector, at least 1 (fewer if the trace has fewer units).</param>
    /// <returns>For each detector name, in the order given, its best units, largest |r| first.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<CellMatch>> FindCells(
        ActivationTrace trace, IEnumerable<CellDetector>? detectors = null, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ThrowHelper.ThrowIfNotPositive(top, nameof(top));
        CellDetector[] list = [.. detectors ?? CellDetectors.All];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int d = 0; d < list.Length; d++)
        {
            if (list[d] is null) ThrowHelper.Argument($"{nameof(detectors)}[{d}]", null, "it must be a detector");
            if (!seen.Add(list[d].Name))
                ThrowHelper.Argument($"{nameof(detectors)}[{d}]", list[d].Name, "another detector already has this name; names must be distinct");
        }

        // Centre each detector series once; a constant one keeps r = 0 (checked exactly, not via a tiny variance).
        int n = trace.Length;
        var centred = new double[list.Length][];
        var norms = new double[list.Length];
        for (int d = 0; d < list.Length; d++)
        {
            double[] x = list[d].Evaluate(trace.Text);
            if (IsConstant(x)) { centred[d] = new double[n]; continue; }
            double mean = TensorPrimitives.Sum<double>(x) / n;
            TensorPrimitives.Subtract(x, mean, x);
            centred[d] = x;
            norms[d] = Math.Sqrt(TensorPrimitives.Dot<double>(x, x));
        }

        var all = new List<CellMatch>[list.Length];
        for (int d = 0; d < list.Length; d++) all[d] = [];
        var correlations = new double[list.Length][];
        for (int d = 0; d < list.Length; d++) correlations[d] = new double[trace.HiddenSize];
        for (int layer = 0; layer < trace.Layers; layer++)
            foreach (ActivationKind kind in trace.Kinds)
            {
                Correlate(trace.States(layer, kind), n, trace.HiddenSize, centred, norms, correlations);
                for (int d = 0; d < list.Length; d++)
                    for (int unit = 0; unit < trace.HiddenSize; unit++)
                        all[d].Add(new CellMatch(list[d].Name, layer, kind, unit, correlations[d][unit]));
            }

        var result = new OrderedDictionary<string, IReadOnlyList<CellMatch>>(list.Length, StringComparer.Ordinal);
        for (int d = 0; d < list.Length; d++)
        {
            // List order is (layer, kind, unit); a stable sort keeps it among equal |r|.
            CellMatch[] ranked = [.. all[d].OrderByDescending(m => Math.Abs(m.Correlation)).Take(top)];
            result.Add(list[d].Name, ranked);
        }
        return result;
    }

    /// <summary>Pearson's r of two series of equal length, in double precision; 0 when either is constant (never NaN).</summary>
    /// <param name="x">The first series.</param>
    /// <param name="y">The second series, as long as <paramref name="x"/>.</param>
    public static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (y.Length != x.Length) ThrowHelper.Argument(nameof(y), $"length {y.Length}", $"it must be as long as 'x' ({x.Length})");
        if (IsConstant(x) || IsConstant(y)) return 0;
        double mx = TensorPrimitives.Sum(x) / x.Length, my = TensorPrimitives.Sum(y) / y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return Clamp(sxy / Math.Sqrt(sxx * syy));
    }

    /// <summary>
    /// r of every unit of one [N, H] state matrix against every centred detector, streaming the rows once for the
    /// means and once for the centred sums (two passes keep the sums well conditioned for long texts).
    /// </summary>
    private static void Correlate(ReadOnlySpan<float> states, int n, int h, double[][] centred, double[] norms, double[][] correlations)
    {
        var mean = new double[h];
        var min = new float[h];
        var max = new float[h];
        var row = new double[h];
        states[..h].CopyTo(min);
        states[..h].CopyTo(max);
        for (int t = 0; t < n; t++)
        {
            ReadOnlySpan<float> r = states.Slice(t * h, h);
            TensorPrimitives.ConvertChecked<float, double>(r, row);
            TensorPrimitives.Add(mean, row, mean);
            TensorPrimitives.Min(min, r, min);
            TensorPrimitives.Max(max, r, max);
        }
        TensorPrimitives.Divide(mean, n, mean);

        var sumSquares = new double[h];
        foreach (double[] c in correlations) c.AsSpan().Clear();
        for (int t = 0; t < n; t++)
        {
            TensorPrimitives.ConvertChecked<float, double>(states.Slice(t * h, h), row);
            TensorPrimitives.Subtract(row, mean, row);
            TensorPrimitives.MultiplyAdd(row, row, sumSquares, sumSquares);
            for (int d = 0; d < centred.Length; d++)
            {
                double x = centred[d][t];
                if (x != 0) TensorPrimitives.MultiplyAdd(row, x, correlations[d], correlations[d]);
            }
        }

        for (int d = 0; d < centred.Length; d++)
            for (int u = 0; u < h; u++)
            {
                bool constant = min[u] == max[u] || norms[d] == 0;
                correlations[d][u] = constant ? 0 : Clamp(correlations[d][u] / (norms[d] * Math.Sqrt(sumSquares[u])));
            }
    }

    private static bool IsConstant(ReadOnlySpan<double> values)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i] != values[0]) return false;
        return true;
    }

    // Rounding can carry |r| a hair past 1 for a perfect fit.
    private static double Clamp(double r) => Math.Clamp(r, -1, 1);
}
