using System.Diagnostics;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>A Stopwatch loop for development: best and median GFLOP/s per kernel, thread count and shape.</summary>
internal static class QuickGemm
{
    public static void Run(string[] kernels)
    {
        var chosen = kernels.Length == 0
            ? new[] { GemmKernel.Vector256, GemmKernel.Vector512 }
            : kernels.Select(Enum.Parse<GemmKernel>).ToArray();
        // Two small step shapes as well, where handing work to a second thread can cost more than it saves.
        GemmShape[] small = [new(32, 512, 128, true), new(16, 256, 64, true)];
        foreach (var shape in GemmShape.All.Concat(small))
        {
            var rng = new Random(1);
            float[] a = GemmBenchmarks.Fill(shape.M * shape.K, rng), b = GemmBenchmarks.Fill(shape.K * shape.N, rng);
            var c = new float[shape.M * shape.N];
            int ldb = shape.TransposeB ? shape.K : shape.N;
            foreach (var kernel in chosen)
            {
                var packed = Gemm.Pack(kernel, shape.TransposeB, shape.K, shape.N, b, ldb);
                foreach (int threads in new[] { 1, 2 })
                {
                    foreach (bool pre in new[] { false, true })
                    {
                        Action run = pre
                            ? () => Gemm.Multiply(threads, false, shape.M, 1f, a, shape.K, packed, 0f, c, shape.N)
                            : () => Gemm.MultiplyCore(kernel, threads, false, shape.TransposeB, shape.M, shape.N, shape.K, 1f, a, shape.K, b, ldb, null, 0f, c, shape.N);
                        run();
                        int reps = Math.Max(1, (int)(2e9 / shape.Flops));
                        var times = new List<double>();
                        for (int trial = 0; trial < 7; trial++)
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            for (int r = 0; r < reps; r++) run();
                            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / reps);
                        }
                        times.Sort();
                        Console.WriteLine($"{shape,-26} {kernel,-10} t={threads} {(pre ? "packedB" : "       ")} best {shape.Flops / times[0] / 1e9,6:F1}  median {shape.Flops / times[3] / 1e9,6:F1} GFLOP/s  ({times[3] * 1e6:F0} us)");
                    }
                }
            }
        }
    }
}
