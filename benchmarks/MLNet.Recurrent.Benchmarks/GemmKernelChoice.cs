using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>The kernels benchmarked (mirrors the internal enum so BenchmarkDotNet can show names).</summary>
public enum GemmKernelChoice
{
    /// <summary>4 x 4 scalar.</summary>
    Scalar = GemmKernel.Scalar,

    /// <summary>6 x 8 Vector128.</summary>
    Vector128 = GemmKernel.Vector128,

    /// <summary>6 x 16 AVX2.</summary>
    Vector256 = GemmKernel.Vector256,

    /// <summary>6 x 32 AVX-512.</summary>
    Vector512 = GemmKernel.Vector512,
}
