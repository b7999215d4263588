using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// <c>y = sigmoid(x) = 1 / (1 + exp(-x))</c>; backward <c>dx = dy * y * (1 - y)</c>, from the output y.
/// </summary>
public readonly struct SigmoidOperator : IDerivativeOperator
{
    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    /// <param name="x">The input.</param>
    public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary><c>y[i] = 1 / (1 + exp(-x[i]))</c>, by <see cref="TensorPrimitives.Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs, as long as <paramref name="x"/>; may be <paramref name="x"/> itself.</param>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>dx[i] = dy[i] * y[i] * (1 - y[i])</c>: the input gradient, overwritten.</summary>
    /// <param name="y">The forward outputs.</param>
    /// <param name="dy">The gradient of the loss with respect to y.</param>
    /// <param name="dx">The gradient with respect to the inputs; may be <paramref name="dy"/> itself.</param>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        DerivativeLoop.Invoke<SigmoidOperator>(y, dy, dx);

    static float IDerivativeOperator.Invoke(float y, float dy) => dy * (y * (1f - y));

    static Vector128<float> IDerivativeOperator.Invoke(Vector128<float> y, Vector128<float> dy) => dy * (y * (Vector128<float>.One - y));

    static Vector256<float> IDerivativeOperator.Invoke(Vector256<float> y, Vector256<float> dy) => dy * (y * (Vector256<float>.One - y));

    static Vector512<float> IDerivativeOperator.Invoke(Vector512<float> y, Vector512<float> dy) => dy * (y * (Vector512<float>.One - y));
}
