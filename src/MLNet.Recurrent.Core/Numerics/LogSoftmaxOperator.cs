using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Row-wise <c>y_j = x_j - max(x) - log(sum_k exp(x_k - max(x)))</c>; backward
/// <c>dx_j = dy_j - exp(y_j) * sum_k dy_k</c>, from the output y. The maximum is subtracted before
/// exponentiating, so no input overflows and the result is exact to float32 even for logits of 1e30.
/// </summary>
public readonly struct LogSoftmaxOperator
{
    /// <summary>Log-softmax of each row of <paramref name="x"/> into <paramref name="y"/>.</summary>
    /// <param name="x">Rows of logits, row-major [rows, columns].</param>
    /// <param name="y">Log-probabilities, same shape; may be <paramref name="x"/> itself.</param>
    /// <param name="columns">Row length (for example V, the vocabulary).</param>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y, int columns)
    {
        int rows = RowChecks.Rows(columns, x, nameof(x), y.Length, nameof(y));
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * columns, columns);
            var yr = y.Slice(r * columns, columns);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, yr);
            float logSum = MathF.Log(RowChecks.SumOfExp(yr));
            TensorPrimitives.Subtract(yr, logSum, yr);
        }
    }

    /// <summary><c>dx_j = dy_j - exp(y_j) * sum_k dy_k</c> per row: the input gradient, overwritten.</summary>
    /// <param name="y">The forward outputs [rows, columns].</param>
    /// <param name="dy">The gradient with respect to y, same shape.</param>
    /// <param name="dx">The gradient with respect to x, same shape; may be <paramref name="dy"/> itself.</param>
    /// <param name="columns">Row length.</param>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns)
    {
        int rows = RowChecks.Rows(columns, y, nameof(y), dy.Length, nameof(dy), dx.Length, nameof(dx));
        Span<float> chunk = stackalloc float[256];
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * columns, columns);
            var dyr = dy.Slice(r * columns, columns);
            var dxr = dx.Slice(r * columns, columns);
            float sum = TensorPrimitives.Sum<float>(dyr);
            for (int i = 0; i < columns; i += chunk.Length)
            {
                int len = Math.Min(chunk.Length, columns - i);
                var p = chunk[..len];
                TensorPrimitives.Exp(yr.Slice(i, len), p);
                TensorPrimitives.MultiplyAdd(p, -sum, dyr.Slice(i, len), dxr.Slice(i, len));
            }
        }
    }
}
