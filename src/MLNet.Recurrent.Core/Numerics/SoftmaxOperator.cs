using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Row-wise <c>y_j = exp(x_j - max(x)) / sum_k exp(x_k - max(x))</c>; backward
/// <c>dx_j = y_j * (dy_j - sum_k dy_k y_k)</c>, from the output y. Subtracting the row maximum keeps every
/// exponent at most 0, so no input overflows (rows of +-1e30 are fine).
/// </summary>
public readonly struct SoftmaxOperator
{
    /// <summary>Softmax of each row of <paramref name="x"/> into <paramref name="y"/>.</summary>
    /// <param name="x">Rows of logits, row-major [rows, columns].</param>
    /// <param name="y">Probabilities, same shape; may be <paramref name="x"/> itself.</param>
    /// <param name="columns">Row length (for example V, the vocabulary).</param>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y, int columns)
    {
        int rows = RowChecks.Rows(columns, x, nameof(x), y.Length, nameof(y));
        for (int r = 0; r < rows; r++) Row(x.Slice(r * columns, columns), y.Slice(r * columns, columns), out _);
    }

    /// <summary>
    /// The one softmax kernel every layer and decoder uses: one row of logits into probabilities. Returns the sum of
    /// <c>exp(x_j - max)</c> and the row's <paramref name="max"/>, so a loss can take <c>log p_y = x_y - max - log(sum)</c>
    /// without a second pass. A row whose max is not finite is left to the caller to reject (the result is NaN).
    /// </summary>
    /// <param name="x">One row of logits [V].</param>
    /// <param name="y">Its probabilities [V]; may be <paramref name="x"/> itself.</param>
    /// <param name="max">The row's largest logit.</param>
    internal static float Row(ReadOnlySpan<float> x, Span<float> y, out float max)
    {
        max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Multiply(y, 1f / sum, y);
        return sum;
    }

    /// <summary>
    /// The tempered, unnormalized softmax a sampler draws from: <c>w_j = exp((x_j - max) / T)</c>, so the largest
    /// weight is exactly 1 and no exponent overflows however small T is; divide by the sum to get probabilities.
    /// </summary>
    /// <param name="x">One row of logits [V].</param>
    /// <param name="weights">The weights [V].</param>
    /// <param name="max">The row's largest logit.</param>
    /// <param name="inverseTemperature">1 / T.</param>
    internal static void Tempered(ReadOnlySpan<float> x, Span<float> weights, float max, float inverseTemperature)
    {
        for (int i = 0; i < x.Length; i++) weights[i] = (x[i] - max) * inverseTemperature;
        TensorPrimitives.Exp(weights, weights);
    }

    /// <summary><c>dx_j = y_j * (dy_j - sum_k dy_k y_k)</c> per row: the input gradient, overwritten.</summary>
    /// <param name="y">The forward outputs [rows, columns].</param>
    /// <param name="dy">The gradient with respect to y, same shape.</param>
    /// <param name="dx">The gradient with respect to x, same shape; may be <paramref name="dy"/> itself.</param>
    /// <param name="columns">Row length.</param>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns)
    {
        int rows = RowChecks.Rows(columns, y, nameof(y), dy.Length, nameof(dy), dx.Length, nameof(dx));
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * columns, columns);
            var dyr = dy.Slice(r * columns, columns);
            var dxr = dx.Slice(r * columns, columns);
            float dot = TensorPrimitives.Dot(dyr, yr);
            TensorPrimitives.Subtract(dyr, dot, dxr);
            TensorPrimitives.Multiply(dxr, yr, dxr);
        }
    }
}
