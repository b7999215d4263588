using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

internal static unsafe partial class GemmMicroKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> alpha, float beta)
    {
        x0 *= alpha;
        x1 *= alpha;
        if (beta != 0)
        {
            var vb = Vector128.Create(beta);
            x0 = MulAdd(Vector128.Load(c), vb, x0);
            x1 = MulAdd(Vector128.Load(c + 4), vb, x1);
        }
        x0.Store(c);
        x1.Store(c + 4);
    }

    /// <summary>6 x 8 Vector128 tile (SSE, NEON): 12 accumulators.</summary>
    [SkipLocalsInit]
    internal static void Vector128Kernel6x8(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector128.LoadAligned(b);
            var b1 = Vector128.LoadAligned(b + 4);
            var ai = Vector128.Create(a[0]);
            c00 = MulAdd(ai, b0, c00); c01 = MulAdd(ai, b1, c01);
            ai = Vector128.Create(a[1]);
            c10 = MulAdd(ai, b0, c10); c11 = MulAdd(ai, b1, c11);
            ai = Vector128.Create(a[2]);
            c20 = MulAdd(ai, b0, c20); c21 = MulAdd(ai, b1, c21);
            ai = Vector128.Create(a[3]);
            c30 = MulAdd(ai, b0, c30); c31 = MulAdd(ai, b1, c31);
            ai = Vector128.Create(a[4]);
            c40 = MulAdd(ai, b0, c40); c41 = MulAdd(ai, b1, c41);
            ai = Vector128.Create(a[5]);
            c50 = MulAdd(ai, b0, c50); c51 = MulAdd(ai, b1, c51);
            a += 6;
            b += 8;
        }
        var va = Vector128.Create(alpha);
        Store(c, c00, c01, va, beta); c += ldc;
        Store(c, c10, c11, va, beta); c += ldc;
        Store(c, c20, c21, va, beta); c += ldc;
        Store(c, c30, c31, va, beta); c += ldc;
        Store(c, c40, c41, va, beta); c += ldc;
        Store(c, c50, c51, va, beta);
    }

    /// <summary>4 x 4 scalar tile: the portable last resort.</summary>
    [SkipLocalsInit]
    internal static void Scalar4x4(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[16];
        for (int i = 0; i < 16; i++) acc[i] = 0;
        for (nint p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                float ar = a[r];
                acc[r * 4 + 0] = MulAdd(ar, b[0], acc[r * 4 + 0]);
                acc[r * 4 + 1] = MulAdd(ar, b[1], acc[r * 4 + 1]);
                acc[r * 4 + 2] = MulAdd(ar, b[2], acc[r * 4 + 2]);
                acc[r * 4 + 3] = MulAdd(ar, b[3], acc[r * 4 + 3]);
            }
            a += 4;
            b += 4;
        }
        for (int r = 0; r < 4; r++, c += ldc)
        {
            for (int j = 0; j < 4; j++) c[j] = StoreValue(acc[r * 4 + j], c, j, alpha, beta);
        }
    }

    /// <summary>The scalar form of the tile epilogue: <c>alpha * x</c>, then <c>fma(c[j], beta, .)</c> when beta != 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float StoreValue(float x, float* c, int j, float alpha, float beta)
    {
        float t = alpha * x;
        return beta != 0 ? MulAdd(c[j], beta, t) : t;
    }
}
