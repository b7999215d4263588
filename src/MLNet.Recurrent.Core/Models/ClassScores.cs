using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// What a classifier reports from one row of a <see cref="SequenceNetwork"/>'s output, so the ML.NET layer
/// only copies numbers: the predicted class, and for two classes the log-odds ML.NET's binary trainers call
/// the score.
/// </summary>
public static class ClassScores
{
    /// <summary>The most probable class; the lowest index wins a tie.</summary>
    /// <param name="probabilities">[K] one row of <see cref="SequenceNetwork.Predict"/>'s output (or its logits).</param>
    public static int PredictedClass(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty) ThrowHelper.Argument(nameof(probabilities), "empty", "there must be at least one class");
        return TensorPrimitives.IndexOfMax(probabilities);
    }

    /// <summary>
    /// <c>log(p1 / p0) = z1 - z0</c>: the log-odds of class 1 over class 0 computed from the logits, exact where
    /// the probabilities saturate. Positive exactly when class 1 is the more probable.
    /// </summary>
    /// <param name="logits">[2] one row of <see cref="SequenceNetwork.Logits"/>.</param>
    public static float LogOdds(ReadOnlySpan<float> logits)
    {
        if (logits.Length != 2) ThrowHelper.Argument(nameof(logits), $"length {logits.Length}", "log-odds need exactly 2 classes");
        return logits[1] - logits[0];
    }

    /// <summary>
    /// Temperature scaling of one row: divides the logits by <paramref name="temperature"/> in place and writes their
    /// softmax, <c>softmax(z / T)</c>. T = 1 leaves the logits as they are and writes the plain softmax; the predicted
    /// class never changes.
    /// </summary>
    /// <param name="logits">[K] one row of <see cref="SequenceNetwork.Logits"/>; overwritten with <c>z / T</c>.</param>
    /// <param name="temperature">T, positive and finite (for example from <c>Calibration.FitTemperature</c>).</param>
    /// <param name="probabilities">[K] written with the calibrated probabilities.</param>
    public static void ApplyTemperature(Span<float> logits, float temperature, Span<float> probabilities)
    {
        if (!(temperature > 0) || float.IsInfinity(temperature)) ThrowHelper.OutOfRange(nameof(temperature), temperature, "it must be a positive finite number");
        if (probabilities.Length != logits.Length) ThrowHelper.Argument(nameof(probabilities), $"length {probabilities.Length}", $"it must have the logits' length {logits.Length}");
        if (temperature != 1f) TensorPrimitives.Divide(logits, temperature, logits);
        TensorPrimitives.SoftMax(logits, probabilities);
    }
}
