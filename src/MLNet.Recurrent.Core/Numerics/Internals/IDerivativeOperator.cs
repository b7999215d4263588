using System.Runtime.Intrinsics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// An element-wise backward operator <c>dx = f(y, dy)</c> in the TensorPrimitives style: one scalar and one
/// vector <c>Invoke</c> per width, run over spans by <see cref="DerivativeLoop"/>.
/// </summary>
internal interface IDerivativeOperator
{
    /// <summary>The scalar form.</summary>
    static abstract float Invoke(float y, float dy);

    /// <summary>The 128-bit form.</summary>
    static abstract Vector128<float> Invoke(Vector128<float> y, Vector128<float> dy);

    /// <summary>The 256-bit form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy);

    /// <summary>The 512-bit form.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> y, Vector512<float> dy);
}
