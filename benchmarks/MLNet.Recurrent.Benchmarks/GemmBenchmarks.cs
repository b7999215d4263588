using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>GEMM throughput per kernel, thread count and shape; the GFLOP/s column divides the shape's flops by the mean.</summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private Gemm.PackedMatrix? _packed;

    /// <summary>The product shape.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.All[0];

    /// <summary>The micro-kernel.</summary>
    [Params(GemmKernelChoice.Vector256, GemmKernelChoice.Vector512)]
    public GemmKernelChoice Kernel { get; set; }

    /// <summary>Threads allowed.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The shapes to run.</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.All;

    /// <summary>Fills the operands with seeded values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Fill(Shape.M * Shape.K, rng);
        _b = Fill(Shape.K * Shape.N, rng);
        _c = new float[Shape.M * Shape.N];
        _packed = Gemm.Pack((GemmKernel)Kernel, Shape.TransposeB, Shape.K, Shape.N, _b, Shape.TransposeB ? Shape.K : Shape.N);
    }

    /// <summary>C = A * op(B), packing B on every call.</summary>
    [Benchmark]
    public void PackPerCall()
    {
        var s = Shape;
        Gemm.MultiplyCore((GemmKernel)Kernel, Threads, false, s.TransposeB, s.M, s.N, s.K,
            1f, _a, s.K, _b, s.TransposeB ? s.K : s.N, null, 0f, _c, s.N);
    }

    /// <summary>C = A * op(B) with op(B) packed once beforehand.</summary>
    [Benchmark]
    public void PrepackedB()
    {
        Gemm.Multiply(Threads, false, Shape.M, 1f, _a, Shape.K, _packed!, 0f, _c, Shape.N);
    }

    internal static float[] Fill(int length, Random rng)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }

    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPS";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Shape flops (2mnk) divided by the mean time";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var shape = benchmarkCase.Parameters["Shape"] as GemmShape;
            if (report?.ResultStatistics is null || shape is null) return "-";
            return (shape.Flops / report.ResultStatistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
