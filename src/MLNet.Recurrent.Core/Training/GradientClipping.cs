using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Gradient clipping over a whole <see cref="ParameterSet"/>. A non-finite gradient is never clipped into
/// numbers: the functions leave the gradients as they are and return NaN or infinity, and the caller stops
/// (raises) before the optimizer step.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The L2 norm of all gradients, summed in double in a fixed order (four interleaved partial sums), so
    /// the same gradients always give the same bits.
    /// </summary>
    /// <param name="gradients">The gradients, e.g. <see cref="ParameterSet.Gradients"/>.</param>
    public static double GlobalNorm(ReadOnlySpan<float> gradients)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= gradients.Length; i += 4)
        {
            double a = gradients[i], b = gradients[i + 1], c = gradients[i + 2], d = gradients[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < gradients.Length; i++)
        {
            double a = gradients[i];
            s0 += a * a;
        }
        return Math.Sqrt((s0 + s1) + (s2 + s3));
    }

    /// <summary>
    /// Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>, like PyTorch's
    /// <c>clip_grad_norm_</c>: with <c>n</c> the norm, gradients are multiplied by <c>maxNorm / (n + 1e-6)</c>
    /// when that is below 1. Returns <c>n</c> as it was before clipping. When <c>n</c> is NaN or infinite the
    /// gradients are left untouched and <c>n</c> is returned; the caller must not step.
    /// </summary>
    /// <param name="parameters">The set whose gradients are clipped in place.</param>
    /// <param name="maxNorm">The largest allowed norm; positive and finite.</param>
    public static double ClipByGlobalNorm(ParameterSet parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm)) ThrowHelper.OutOfRange(nameof(maxNorm), maxNorm, "it must be positive and finite");
        Span<float> gradients = parameters.Gradients;
        double norm = GlobalNorm(gradients);
        if (!double.IsFinite(norm)) return norm;
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) TensorPrimitives.Multiply(gradients, (float)coefficient, gradients);
        return norm;
    }

    /// <summary>
    /// Clamps every gradient to <c>[-clipValue, clipValue]</c> (PyTorch's <c>clip_grad_value_</c>) and returns
    /// the largest magnitude before clamping. When any gradient is NaN or infinite, nothing is clamped and NaN
    /// or infinity is returned; the caller must not step.
    /// </summary>
    /// <param name="parameters">The set whose gradients are clamped in place.</param>
    /// <param name="clipValue">The largest allowed magnitude; positive and finite.</param>
    public static double ClipByValue(ParameterSet parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue > 0) || double.IsInfinity(clipValue)) ThrowHelper.OutOfRange(nameof(clipValue), clipValue, "it must be positive and finite");
        Span<float> gradients = parameters.Gradients;
        if (gradients.Length == 0) return 0;
        double largest = Math.Abs(TensorPrimitives.MaxMagnitude<float>(gradients));
        if (!double.IsFinite(largest)) return largest;
        float c = (float)clipValue;
        if (largest > c) TensorPrimitives.Clamp(gradients, -c, c, gradients);
        return largest;
    }
}
