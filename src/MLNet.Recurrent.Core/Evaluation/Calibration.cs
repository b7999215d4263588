using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// Whether a classifier's probabilities can be taken at their word: temperature scaling (Guo et al. 2017, "On
/// Calibration of Modern Neural Networks"), which divides every logit by one fitted T, and the expected calibration
/// error that measures what is left. Rows are N logits or probability vectors of K classes, row-major.
/// </summary>
public static class Calibration
{
    /// <summary>The smallest temperature <see cref="FitTemperature"/> considers.</summary>
    public const double MinTemperature = 0.05;

    /// <summary>The largest temperature <see cref="FitTemperature"/> considers.</summary>
    public const double MaxTemperature = 100;

    /// <summary>
    /// The temperature T in [<see cref="MinTemperature"/>, <see cref="MaxTemperature"/>] that minimizes the mean
    /// negative log-likelihood of <c>softmax(z / T)</c> over the rows: a 1-D search (golden section on the inverse
    /// temperature, in which the log-likelihood is convex, so the minimum found is the global one, to about 1e-6
    /// relative). T &gt; 1 softens over-confident probabilities, T &lt; 1 sharpens timid ones; the predicted class
    /// never changes. Rows whose target is negative are skipped.
    /// </summary>
    /// <param name="logits">[N, K] row-major logits.</param>
    /// <param name="targets">[N] each row's class in [0, K), or negative to skip the row.</param>
    /// <param name="classes">K, at least 2.</param>
    /// <returns>The fitted temperature; 1 when no row counts.</returns>
    public static double FitTemperature(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes)
    {
        CheckRows(logits, targets, classes, nameof(logits));
        if (!HasTarget(targets)) return 1;
        // f(beta) = mean(logsumexp(beta z) - beta z_y) is convex in beta = 1/T: golden-section search is exact for it.
        double lo = 1 / MaxTemperature, hi = 1 / MinTemperature;
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = MeanNll(logits, targets, classes, a), fb = MeanNll(logits, targets, classes, b);
        for (int i = 0; i < 80 && hi - lo > 1e-7 * hi; i++)
        {
            if (fa <= fb)
            {
                hi = b; b = a; fb = fa;
                a = hi - ratio * (hi - lo);
                fa = MeanNll(logits, targets, classes, a);
            }
            else
            {
                lo = a; a = b; fa = fb;
                b = lo + ratio * (hi - lo);
                fb = MeanNll(logits, targets, classes, b);
            }
        }
        return 1 / ((lo + hi) / 2);
    }

    /// <summary>The mean negative log-likelihood (nats) of <c>softmax(z / T)</c> over the rows whose target is not negative.</summary>
    /// <param name="logits">[N, K] row-major logits.</param>
    /// <param name="targets">[N] each row's class in [0, K), or negative to skip the row.</param>
    /// <param name="classes">K, at least 2.</param>
    /// <param name="temperature">T, positive and finite.</param>
    public static double LogLoss(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, double temperature)
    {
        CheckRows(logits, targets, classes, nameof(logits));
        if (!(temperature > 0) || double.IsInfinity(temperature)) ThrowHelper.OutOfRange(nameof(temperature), temperature, "it must be a positive finite number");
        return MeanNll(logits, targets, classes, 1 / temperature);
    }

    /// <summary>
    /// The expected calibration error: rows are put in <paramref name="bins"/> equal-width bins of confidence (the
    /// largest probability; bin i holds (i/bins, (i+1)/bins], the first also 0), and ECE is the sum over bins of
    /// (rows in bin / rows) * |accuracy in bin - mean confidence in bin|. 0 means a model as accurate as it is
    /// sure; ties in the argmax go to the lowest class. Rows whose target is negative are skipped.
    /// </summary>
    /// <param name="probabilities">[N, K] row-major class probabilities.</param>
    /// <param name="targets">[N] each row's class in [0, K), or negative to skip the row.</param>
    /// <param name="classes">K, at least 2.</param>
    /// <param name="bins">The number of confidence bins (10 is the usual choice), at least 1.</param>
    /// <returns>ECE in [0, 1]; 0 when no row counts.</returns>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> targets, int classes, int bins = 10)
    {
        CheckRows(probabilities, targets, classes, nameof(probabilities));
        ThrowHelper.ThrowIfNotPositive(bins, nameof(bins));
        var count = new long[bins];
        var correct = new long[bins];
        var confidence = new double[bins];
        long total = 0;
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] < 0) continue;
            ReadOnlySpan<float> p = probabilities.Slice(n * classes, classes);
            int predicted = TensorPrimitives.IndexOfMax(p);
            double sure = p[predicted];
            if (!(sure >= 0 && sure <= 1 + 1e-6)) ThrowHelper.OutOfRange($"probabilities[{n * classes + predicted}]", sure, "a probability must be in [0, 1]");
            int bin = Math.Clamp((int)Math.Ceiling(sure * bins) - 1, 0, bins - 1);
            count[bin]++;
            confidence[bin] += sure;
            if (predicted == targets[n]) correct[bin]++;
            total++;
        }
        if (total == 0) return 0;
        double ece = 0;
        for (int i = 0; i < bins; i++)
            if (count[i] > 0) ece += Math.Abs((double)correct[i] / count[i] - confidence[i] / count[i]) * count[i] / total;
        return ece;
    }

    private static double MeanNll(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes, double beta)
    {
        double sum = 0;
        long rows = 0;
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] < 0) continue;
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            double max = TensorPrimitives.Max(z), s = 0;
            for (int k = 0; k < classes; k++) s += Math.Exp(beta * (z[k] - max));
            sum += Math.Log(s) - beta * (z[targets[n]] - max);
            rows++;
        }
        return rows == 0 ? 0 : sum / rows;
    }

    private static bool HasTarget(ReadOnlySpan<int> targets)
    {
        foreach (int t in targets)
            if (t >= 0) return true;
        return false;
    }

    private static void CheckRows(ReadOnlySpan<float> rows, ReadOnlySpan<int> targets, int classes, string rowsName)
    {
        if (classes < 2) ThrowHelper.OutOfRange(nameof(classes), classes, "it must be at least 2");
        if (rows.Length != targets.Length * classes)
            ThrowHelper.Argument(rowsName, $"{rows.Length} values", $"it must hold {targets.Length} rows of {classes} classes ({targets.Length * classes} values)");
        for (int n = 0; n < targets.Length; n++)
            if (targets[n] >= classes) ThrowHelper.OutOfRange($"targets[{n}]", targets[n], $"it must be in [0, {classes}) or negative to skip the row");
        for (int i = 0; i < rows.Length; i++)
            if (!float.IsFinite(rows[i])) ThrowHelper.OutOfRange($"{rowsName}[{i}]", rows[i], "every value must be finite");
    }
}
