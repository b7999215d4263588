using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// The machine's single-precision FMA peak: twelve independent accumulators, each updated by a fused multiply-add every
/// iteration, so the loop is bound by FMA throughput, not latency (4-cycle latency x 2 ports needs at least 8 chains).
/// A multiply-add counts as two floating-point operations, as in every GFLOP/s figure of this project.
/// </summary>
public static class FmaPeak
{
    /// <summary>Whether a vector width can be measured here: 256 needs AVX2 + FMA, 512 needs AVX-512F.</summary>
    public static bool IsSupported(int width) => width switch
    {
        256 => Fma.IsSupported && Avx2.IsSupported,
        512 => Avx512F.IsSupported,
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "'width' must be 256 or 512."),
    };

    /// <summary>
    /// GFLOP/s of <paramref name="threads"/> threads each running the FMA loop for about <paramref name="seconds"/>
    /// seconds; the best of <paramref name="trials"/> trials (a peak is a maximum, not a typical value).
    /// </summary>
    public static double Measure(int width, int threads, double seconds = 0.5, int trials = 5)
    {
        if (!IsSupported(width)) throw new PlatformNotSupportedException($"{width}-bit FMA is not supported on this machine.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // Calibrate the iteration count so one trial lasts about `seconds`.
        long iterations = 1_000_000;
        while (true)
        {
            long t0 = Stopwatch.GetTimestamp();
            Loop(width, iterations);
            double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (elapsed > 0.05) { iterations = (long)(iterations * seconds / elapsed); break; }
            iterations *= 4;
        }
        double flopsPerThread = 2.0 * 12 * (width / 32) * iterations;
        double best = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                workers[i] = new Thread(() => { start.SignalAndWait(); Loop(width, iterations); }) { IsBackground = true };
                workers[i].Start();
            }
            start.SignalAndWait();
            long t0 = Stopwatch.GetTimestamp();
            foreach (var w in workers) w.Join();
            double elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, flopsPerThread * threads / elapsed / 1e9);
        }
        return best;
    }

    private static float Loop(int width, long iterations) => width == 512 ? Loop512(iterations) : Loop256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(0.1f), c1 = Vector256.Create(0.2f), c2 = Vector256.Create(0.3f),
            c3 = Vector256.Create(0.4f), c4 = Vector256.Create(0.5f), c5 = Vector256.Create(0.6f),
            c6 = Vector256.Create(0.7f), c7 = Vector256.Create(0.8f), c8 = Vector256.Create(0.9f),
            c9 = Vector256.Create(1.0f), c10 = Vector256.Create(1.1f), c11 = Vector256.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a); c1 = Fma.MultiplyAdd(c1, m, a); c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a); c4 = Fma.MultiplyAdd(c4, m, a); c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a); c7 = Fma.MultiplyAdd(c7, m, a); c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a); c10 = Fma.MultiplyAdd(c10, m, a); c11 = Fma.MultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(0.1f), c1 = Vector512.Create(0.2f), c2 = Vector512.Create(0.3f),
            c3 = Vector512.Create(0.4f), c4 = Vector512.Create(0.5f), c5 = Vector512.Create(0.6f),
            c6 = Vector512.Create(0.7f), c7 = Vector512.Create(0.8f), c8 = Vector512.Create(0.9f),
            c9 = Vector512.Create(1.0f), c10 = Vector512.Create(1.1f), c11 = Vector512.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a); c1 = Avx512F.FusedMultiplyAdd(c1, m, a); c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a); c4 = Avx512F.FusedMultiplyAdd(c4, m, a); c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a); c7 = Avx512F.FusedMultiplyAdd(c7, m, a); c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a); c10 = Avx512F.FusedMultiplyAdd(c10, m, a); c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector512.Sum(sum);
    }
}
