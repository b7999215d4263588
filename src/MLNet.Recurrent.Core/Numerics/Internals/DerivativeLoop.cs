using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>Runs an <see cref="IDerivativeOperator"/> over spans with the widest accelerated vectors, then a scalar tail.</summary>
internal static class DerivativeLoop
{
    /// <summary><c>dx[i] = TOp(y[i], dy[i])</c>; <paramref name="dx"/> may be <paramref name="dy"/> itself.</summary>
    public static void Invoke<TOp>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        where TOp : IDerivativeOperator
    {
        if (dy.Length != y.Length) ThrowHelper.Argument(nameof(dy), $"length {dy.Length}", $"it must match 'y' (length {y.Length})");
        if (dx.Length != y.Length) ThrowHelper.Argument(nameof(dx), $"length {dx.Length}", $"it must match 'y' (length {y.Length})");
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rdx = ref MemoryMarshal.GetReference(dx);
        nuint i = 0, n = (nuint)y.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref ry, i), Vector512.LoadUnsafe(ref rdy, i)).StoreUnsafe(ref rdx, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref ry, i), Vector256.LoadUnsafe(ref rdy, i)).StoreUnsafe(ref rdx, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref ry, i), Vector128.LoadUnsafe(ref rdy, i)).StoreUnsafe(ref rdx, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref rdx, i) = TOp.Invoke(Unsafe.Add(ref ry, i), Unsafe.Add(ref rdy, i));
        }
    }
}
