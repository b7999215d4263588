using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// <c>y = tanh(x)</c>; backward <c>dx = dy * (1 - y^2)</c>, from the output y.
/// </summary>
public readonly struct TanhOperator : IDerivativeOperator
{
    /// <summary><c>tanh(x)</c>.</summary>
    /// <param name="x">The input.</param>
    public static float Invoke(float x) => MathF.Tanh(x);

    /// <summary><c>y[i] = tanh(x[i])</c>, by <see cref="TensorPrimitives.Tanh{T}(ReadOnlySpan{T}, Span{T})"/>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs, as long as <paramref name="x"/>; may be <paramref name="x"/> itself.</param>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>dx[i] = dy[i] * (1 - y[i]^2)</c>: the input gradient, overwritten.</summary>
    /// <param name="y">The forward outputs.</param>
    /// <param name="dy">The gradient of the loss with respect to y.</param>
    /// <param name="dx">The gradient with respect to the inputs; may be <paramref name="dy"/> itself.</param>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        DerivativeLoop.Invoke<TanhOperator>(y, dy, dx);

    static float IDerivativeOperator.Invoke(float y, float dy) => dy * (1f - y * y);

    static Vector128<float> IDerivativeOperator.Invoke(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);

    static Vector256<float> IDerivativeOperator.Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);

    static Vector512<float> IDerivativeOperator.Invoke(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
}
