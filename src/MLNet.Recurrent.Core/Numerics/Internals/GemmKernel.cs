namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// The register-blocked micro-kernels GEMM can run. Every kernel accumulates each element of C in the same
/// order (one fused multiply-add per k, blocked over k the same way), so all of them give bit-identical
/// results on a given machine; they differ only in speed. Tests run each one explicitly.
/// </summary>
internal enum GemmKernel
{
    /// <summary>4 x 4 tile of scalars; the last resort.</summary>
    Scalar,

    /// <summary>6 x 8 tile of <see cref="System.Runtime.Intrinsics.Vector128{T}"/> (SSE, NEON).</summary>
    Vector128,

    /// <summary>6 x 16 tile of <see cref="System.Runtime.Intrinsics.Vector256{T}"/> (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>6 x 32 tile of <see cref="System.Runtime.Intrinsics.Vector512{T}"/> (AVX-512).</summary>
    Vector512,
}
