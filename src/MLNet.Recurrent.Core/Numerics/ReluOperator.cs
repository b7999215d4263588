using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// <c>y = max(x, 0)</c>; backward <c>dx = y &gt; 0 ? dy : 0</c>, from the output y (the subgradient at 0 is 0, as in PyTorch).
/// </summary>
public readonly struct ReluOperator : IDerivativeOperator
{
    /// <summary><c>max(x, 0)</c>.</summary>
    /// <param name="x">The input.</param>
    public static float Invoke(float x) => MathF.Max(x, 0f);

    /// <summary><c>y[i] = max(x[i], 0)</c>, by <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T}, T, Span{T})"/>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs, as long as <paramref name="x"/>; may be <paramref name="x"/> itself.</param>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary><c>dx[i] = y[i] &gt; 0 ? dy[i] : 0</c>: the input gradient, overwritten.</summary>
    /// <param name="y">The forward outputs.</param>
    /// <param name="dy">The gradient of the loss with respect to y.</param>
    /// <param name="dx">The gradient with respect to the inputs; may be <paramref name="dy"/> itself.</param>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        DerivativeLoop.Invoke<ReluOperator>(y, dy, dx);

    static float IDerivativeOperator.Invoke(float y, float dy) => y > 0 ? dy : 0f;

    static Vector128<float> IDerivativeOperator.Invoke(Vector128<float> y, Vector128<float> dy) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), dy, Vector128<float>.Zero);

    static Vector256<float> IDerivativeOperator.Invoke(Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);

    static Vector512<float> IDerivativeOperator.Invoke(Vector512<float> y, Vector512<float> dy) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), dy, Vector512<float>.Zero);
}
