using System.Runtime.CompilerServices;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Per-thread pack buffers, allocated once per thread on the pinned object heap and 64-byte aligned, so a
/// steady-state GEMM allocates nothing and the garbage collector reclaims them when the thread ends.
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic] private static float[]? t_a;
    [ThreadStatic] private static float[]? t_b;

    /// <summary>Room for one packed <c>Mc x MaxKc</c> block of A.</summary>
    internal static float* A => Aligned(ref t_a, GemmPacking.Mc * GemmPacking.MaxKc);

    /// <summary>Room for one packed <c>MaxKc x Nc</c> block of B.</summary>
    internal static float* B => Aligned(ref t_b, GemmPacking.MaxKc * GemmPacking.Nc);

    private static float* Aligned(ref float[]? array, int length)
    {
        array ??= GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        return (float*)((address + 63) & ~(nint)63);
    }

    /// <summary>Allocates a pinned array holding <paramref name="length"/> floats from a 64-byte boundary.</summary>
    internal static float[] AllocateAligned(int length, out int offset)
    {
        float[] array = GC.AllocateArray<float>(length + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        offset = (int)((((address + 63) & ~(nint)63) - address) / sizeof(float));
        return array;
    }
}
