using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// The micro-kernels: <c>C[0..MR, 0..NR] = alpha * (Apanel * Bpanel) + beta * C</c>, where the A panel is
/// packed as <c>kc x MR</c> (one column of the tile per k) and the B panel as <c>kc x NR</c>. With
/// <c>beta == 0</c> C is never read. Each element is a chain of fused multiply-adds in k order starting
/// from zero, then scaled by alpha, then <c>fma(C, beta, .)</c>. The edge-row kernels (1 to 5 rows by one or more
/// panels, <see cref="EdgeRowFunction"/>) and the scalar epilogue of an edge tile (<see cref="StoreValue"/>) repeat
/// exactly that, which is what makes every kernel and every tiling give the same bits (<see cref="GemmMacroKernel"/>
/// chooses among them).
/// </summary>
internal static unsafe partial class GemmMicroKernels
{
    /// <summary>
    /// Whether the hardware fuses multiply-add; when it does not, every path uses a*b+c instead, and only the scalar and
    /// 128-bit kernels run (<see cref="Supports"/>).
    /// </summary>
    internal static bool UseFma
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.IsSupported;
    }

    /// <summary><c>a * b + c</c>, fused when <see cref="UseFma"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float MulAdd(float a, float b, float c) => UseFma ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        UseFma ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    // The 256- and 512-bit kernels fuse unconditionally: they run only where the hardware fuses (Supports), and a
    // conditional here costs the 6 x 16 kernel a register move per pair of multiply-adds on AVX2. With all 16 ymm
    // registers in use, the inlined conditional's result temporary makes the JIT write the product into the dying
    // broadcast register and copy it to the accumulator (vfmadd213ps + vmovaps) instead of one vfmadd231ps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    /// <summary>
    /// Whether <paramref name="kernel"/> can run here with the one chain every path shares: the 256- and 512-bit kernels
    /// need fused multiply-add in hardware (the 512-bit one runs in software where AVX-512 is missing, as in tests).
    /// </summary>
    internal static bool Supports(GemmKernel kernel) => kernel is GemmKernel.Scalar or GemmKernel.Vector128 || UseFma;

    /// <summary>Tile rows of <paramref name="kernel"/>.</summary>
    internal static int Rows(GemmKernel kernel) => kernel == GemmKernel.Scalar ? 4 : 6;

    /// <summary>Tile columns of <paramref name="kernel"/>.</summary>
    internal static int Columns(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Scalar => 4,
        GemmKernel.Vector128 => 8,
        GemmKernel.Vector256 => 16,
        _ => 32,
    };

    /// <summary>The fastest kernel this machine accelerates.</summary>
    internal static GemmKernel Best { get; } =
        Vector512.IsHardwareAccelerated && UseFma ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated && UseFma ? GemmKernel.Vector256
        : Vector128.IsHardwareAccelerated ? GemmKernel.Vector128
        : GemmKernel.Scalar;

    /// <summary>The micro-kernel entry point of <paramref name="kernel"/>.</summary>
    internal static delegate*<nint, float*, float*, float*, nint, float, float, void> Function(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Scalar => &Scalar4x4,
        GemmKernel.Vector128 => &Vector128Kernel6x8,
        _ when !Supports(kernel) => throw new PlatformNotSupportedException($"The {kernel} GEMM kernel needs fused multiply-add, which this processor lacks."),
        GemmKernel.Vector256 => &Vector256Kernel6x16,
        _ => &Vector512Kernel6x32,
    };

    /// <summary>
    /// Asks for the six C rows the tile will write while the k loop runs, so the epilogue does not stall on
    /// a cache miss (C is touched once per k block and is usually out of L1 by then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, nint ldc, int lines)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < 6; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            if (lines > 1) Sse.Prefetch0(c + 16);
            Sse.Prefetch0(c + 15);
        }
    }

    /// <summary>Writes one finished row of a tile: <c>c = alpha * x</c>, then <c>c = fma(c_old, beta, c)</c> when beta != 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, float beta)
    {
        x0 *= alpha;
        x1 *= alpha;
        if (beta != 0)
        {
            var vb = Vector256.Create(beta);
            x0 = MulAdd(Vector256.Load(c), vb, x0);
            x1 = MulAdd(Vector256.Load(c + 8), vb, x1);
        }
        x0.Store(c);
        x1.Store(c + 8);
    }

    /// <summary>6 x 16 AVX2 tile: 12 accumulators, two B loads and six broadcasts per k.</summary>
    [SkipLocalsInit]
    internal static void Vector256Kernel6x16(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile(c, ldc, 1);
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadAligned(b);
            var b1 = Vector256.LoadAligned(b + 8);
            var ai = Vector256.Create(a[0]);
            c00 = MulAdd(ai, b0, c00); c01 = MulAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = MulAdd(ai, b0, c10); c11 = MulAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = MulAdd(ai, b0, c20); c21 = MulAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = MulAdd(ai, b0, c30); c31 = MulAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = MulAdd(ai, b0, c40); c41 = MulAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = MulAdd(ai, b0, c50); c51 = MulAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        Store(c, c00, c01, va, beta); c += ldc;
        Store(c, c10, c11, va, beta); c += ldc;
        Store(c, c20, c21, va, beta); c += ldc;
        Store(c, c30, c31, va, beta); c += ldc;
        Store(c, c40, c41, va, beta); c += ldc;
        Store(c, c50, c51, va, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha, float beta)
    {
        x0 *= alpha;
        x1 *= alpha;
        if (beta != 0)
        {
            var vb = Vector512.Create(beta);
            x0 = MulAdd(Vector512.Load(c), vb, x0);
            x1 = MulAdd(Vector512.Load(c + 16), vb, x1);
        }
        x0.Store(c);
        x1.Store(c + 16);
    }

    /// <summary>6 x 32 AVX-512 tile: 12 accumulators, two B loads and six broadcasts per k.</summary>
    [SkipLocalsInit]
    internal static void Vector512Kernel6x32(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile(c, ldc, 2);
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadAligned(b);
            var b1 = Vector512.LoadAligned(b + 16);
            var ai = Vector512.Create(a[0]);
            c00 = MulAdd(ai, b0, c00); c01 = MulAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = MulAdd(ai, b0, c10); c11 = MulAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = MulAdd(ai, b0, c20); c21 = MulAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = MulAdd(ai, b0, c30); c31 = MulAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = MulAdd(ai, b0, c40); c41 = MulAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = MulAdd(ai, b0, c50); c51 = MulAdd(ai, b1, c51);
            a += 6;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        Store(c, c00, c01, va, beta); c += ldc;
        Store(c, c10, c11, va, beta); c += ldc;
        Store(c, c20, c21, va, beta); c += ldc;
        Store(c, c30, c31, va, beta); c += ldc;
        Store(c, c40, c41, va, beta); c += ldc;
        Store(c, c50, c51, va, beta);
    }
}
