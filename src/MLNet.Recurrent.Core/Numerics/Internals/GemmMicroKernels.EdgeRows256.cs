using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

// The 256-bit edge-row kernels (see GemmMicroKernels.EdgeRows.cs): B panels of 16, two Vector256 per panel
// row, A read at a stride of 6 (the packed edge panel keeps the 6-row layout).
internal static unsafe partial class GemmMicroKernels
{
    private const int Panel256 = 16, Half256 = 8;

    /// <summary>1 row by up to 6 panels of 16: up to 12 accumulators, two B loads per panel and one broadcast per k.</summary>
    [SkipLocalsInit]
    private static void Vector256Edge1<TPanels>(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        where TPanels : struct, IPanelCount
    {
        nint step = kc * Panel256;
        float* b0 = b, b1 = b0 + step, b2 = b1 + step, b3 = b2 + step, b4 = b3 + step, b5 = b4 + step;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        PrefetchRows(c, ldc, 1, TPanels.Count * Panel256);
        for (nint o = 0; o < step; o += Panel256, a += 6)
        {
            var a0 = Vector256.Create(a[0]);
            c0 = MulAdd(a0, Vector256.LoadAligned(b0 + o), c0);
            c1 = MulAdd(a0, Vector256.LoadAligned(b0 + o + Half256), c1);
            if (TPanels.Count > 1)
            {
                c2 = MulAdd(a0, Vector256.LoadAligned(b1 + o), c2);
                c3 = MulAdd(a0, Vector256.LoadAligned(b1 + o + Half256), c3);
            }
            if (TPanels.Count > 2)
            {
                c4 = MulAdd(a0, Vector256.LoadAligned(b2 + o), c4);
                c5 = MulAdd(a0, Vector256.LoadAligned(b2 + o + Half256), c5);
            }
            if (TPanels.Count > 3)
            {
                c6 = MulAdd(a0, Vector256.LoadAligned(b3 + o), c6);
                c7 = MulAdd(a0, Vector256.LoadAligned(b3 + o + Half256), c7);
            }
            if (TPanels.Count > 4)
            {
                c8 = MulAdd(a0, Vector256.LoadAligned(b4 + o), c8);
                c9 = MulAdd(a0, Vector256.LoadAligned(b4 + o + Half256), c9);
            }
            if (TPanels.Count > 5)
            {
                c10 = MulAdd(a0, Vector256.LoadAligned(b5 + o), c10);
                c11 = MulAdd(a0, Vector256.LoadAligned(b5 + o + Half256), c11);
            }
        }
        var va = Vector256.Create(alpha);
        Store(c, c0, c1, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c2, c3, va, beta);
        if (TPanels.Count > 2) Store(c + 2 * Panel256, c4, c5, va, beta);
        if (TPanels.Count > 3) Store(c + 3 * Panel256, c6, c7, va, beta);
        if (TPanels.Count > 4) Store(c + 4 * Panel256, c8, c9, va, beta);
        if (TPanels.Count > 5) Store(c + 5 * Panel256, c10, c11, va, beta);
    }

    /// <summary>2 rows by up to 3 panels of 16: up to 12 accumulators, each B vector loaded once for both rows.</summary>
    [SkipLocalsInit]
    private static void Vector256Edge2<TPanels>(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        where TPanels : struct, IPanelCount
    {
        nint step = kc * Panel256;
        float* b0 = b, b1 = b0 + step, b2 = b1 + step;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        PrefetchRows(c, ldc, 2, TPanels.Count * Panel256);
        for (nint o = 0; o < step; o += Panel256, a += 6)
        {
            var a0 = Vector256.Create(a[0]);
            var a1 = Vector256.Create(a[1]);
            var x = Vector256.LoadAligned(b0 + o);
            c00 = MulAdd(a0, x, c00); c10 = MulAdd(a1, x, c10);
            x = Vector256.LoadAligned(b0 + o + Half256);
            c01 = MulAdd(a0, x, c01); c11 = MulAdd(a1, x, c11);
            if (TPanels.Count > 1)
            {
                x = Vector256.LoadAligned(b1 + o);
                c02 = MulAdd(a0, x, c02); c12 = MulAdd(a1, x, c12);
                x = Vector256.LoadAligned(b1 + o + Half256);
                c03 = MulAdd(a0, x, c03); c13 = MulAdd(a1, x, c13);
            }
            if (TPanels.Count > 2)
            {
                x = Vector256.LoadAligned(b2 + o);
                c04 = MulAdd(a0, x, c04); c14 = MulAdd(a1, x, c14);
                x = Vector256.LoadAligned(b2 + o + Half256);
                c05 = MulAdd(a0, x, c05); c15 = MulAdd(a1, x, c15);
            }
        }
        var va = Vector256.Create(alpha);
        Store(c, c00, c01, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c02, c03, va, beta);
        if (TPanels.Count > 2) Store(c + 2 * Panel256, c04, c05, va, beta);
        c += ldc;
        Store(c, c10, c11, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c12, c13, va, beta);
        if (TPanels.Count > 2) Store(c + 2 * Panel256, c14, c15, va, beta);
    }

    /// <summary>3 rows by up to 2 panels of 16: up to 12 accumulators, each B vector loaded once for the three rows.</summary>
    [SkipLocalsInit]
    private static void Vector256Edge3<TPanels>(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        where TPanels : struct, IPanelCount
    {
        nint step = kc * Panel256;
        float* b0 = b, b1 = b0 + step;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default;
        Vector256<float> c12 = default, c13 = default, c20 = default, c21 = default, c22 = default, c23 = default;
        PrefetchRows(c, ldc, 3, TPanels.Count * Panel256);
        for (nint o = 0; o < step; o += Panel256, a += 6)
        {
            var a0 = Vector256.Create(a[0]);
            var a1 = Vector256.Create(a[1]);
            var a2 = Vector256.Create(a[2]);
            var x = Vector256.LoadAligned(b0 + o);
            c00 = MulAdd(a0, x, c00); c10 = MulAdd(a1, x, c10); c20 = MulAdd(a2, x, c20);
            x = Vector256.LoadAligned(b0 + o + Half256);
            c01 = MulAdd(a0, x, c01); c11 = MulAdd(a1, x, c11); c21 = MulAdd(a2, x, c21);
            if (TPanels.Count > 1)
            {
                x = Vector256.LoadAligned(b1 + o);
                c02 = MulAdd(a0, x, c02); c12 = MulAdd(a1, x, c12); c22 = MulAdd(a2, x, c22);
                x = Vector256.LoadAligned(b1 + o + Half256);
                c03 = MulAdd(a0, x, c03); c13 = MulAdd(a1, x, c13); c23 = MulAdd(a2, x, c23);
            }
        }
        var va = Vector256.Create(alpha);
        Store(c, c00, c01, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c02, c03, va, beta);
        c += ldc;
        Store(c, c10, c11, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c12, c13, va, beta);
        c += ldc;
        Store(c, c20, c21, va, beta);
        if (TPanels.Count > 1) Store(c + Panel256, c22, c23, va, beta);
    }

    /// <summary>4 rows by 1 panel of 16: 8 accumulators, two B loads and four broadcasts per k.</summary>
    [SkipLocalsInit]
    private static void Vector256Edge4(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        nint step = kc * Panel256;
        float* b0 = b;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        PrefetchRows(c, ldc, 4, Panel256);
        for (nint o = 0; o < step; o += Panel256, a += 6)
        {
            var a0 = Vector256.Create(a[0]);
            var a1 = Vector256.Create(a[1]);
            var a2 = Vector256.Create(a[2]);
            var a3 = Vector256.Create(a[3]);
            var x = Vector256.LoadAligned(b0 + o);
            c00 = MulAdd(a0, x, c00); c10 = MulAdd(a1, x, c10); c20 = MulAdd(a2, x, c20); c30 = MulAdd(a3, x, c30);
            x = Vector256.LoadAligned(b0 + o + Half256);
            c01 = MulAdd(a0, x, c01); c11 = MulAdd(a1, x, c11); c21 = MulAdd(a2, x, c21); c31 = MulAdd(a3, x, c31);
        }
        var va = Vector256.Create(alpha);
        Store(c, c00, c01, va, beta);
        c += ldc;
        Store(c, c10, c11, va, beta);
        c += ldc;
        Store(c, c20, c21, va, beta);
        c += ldc;
        Store(c, c30, c31, va, beta);
    }

    /// <summary>5 rows by 1 panel of 16: 10 accumulators, two B loads and five broadcasts per k.</summary>
    [SkipLocalsInit]
    private static void Vector256Edge5(nint kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        nint step = kc * Panel256;
        float* b0 = b;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default;
        PrefetchRows(c, ldc, 5, Panel256);
        for (nint o = 0; o < step; o += Panel256, a += 6)
        {
            var a0 = Vector256.Create(a[0]);
            var a1 = Vector256.Create(a[1]);
            var a2 = Vector256.Create(a[2]);
            var a3 = Vector256.Create(a[3]);
            var a4 = Vector256.Create(a[4]);
            var x = Vector256.LoadAligned(b0 + o);
            c00 = MulAdd(a0, x, c00); c10 = MulAdd(a1, x, c10); c20 = MulAdd(a2, x, c20); c30 = MulAdd(a3, x, c30); c40 = MulAdd(a4, x, c40);
            x = Vector256.LoadAligned(b0 + o + Half256);
            c01 = MulAdd(a0, x, c01); c11 = MulAdd(a1, x, c11); c21 = MulAdd(a2, x, c21); c31 = MulAdd(a3, x, c31); c41 = MulAdd(a4, x, c41);
        }
        var va = Vector256.Create(alpha);
        Store(c, c00, c01, va, beta);
        c += ldc;
        Store(c, c10, c11, va, beta);
        c += ldc;
        Store(c, c20, c21, va, beta);
        c += ldc;
        Store(c, c30, c31, va, beta);
        c += ldc;
        Store(c, c40, c41, va, beta);
    }
}
