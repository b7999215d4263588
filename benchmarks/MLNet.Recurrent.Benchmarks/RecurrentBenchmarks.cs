using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// A training step (zero gradients, forward, cross-entropy, backward, Adam) and an inference pass for the PyTorch
/// script's configurations; the tokens/s column is B*T divided by the mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RecurrentBenchmarks
{
    private RecurrentWorkload? _workload;

    /// <summary>The configuration id.</summary>
    [Params("a", "b", "c", "d", "f")]
    public string Id { get; set; } = "a";

    /// <summary>Builds the network and batch.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new RecurrentWorkload(RecurrentConfig.Get(Id));

    /// <summary>Releases the workspaces.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload?.Dispose();

    /// <summary>Forward, backward and Adam on one batch.</summary>
    [Benchmark]
    public double TrainStep() => _workload!.TrainStep();

    /// <summary>Forward to logits on one batch.</summary>
    [Benchmark]
    public void Infer() => _workload!.Infer();

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new TokensPerSecondColumn());
    }

    private sealed class TokensPerSecondColumn : IColumn
    {
        public string Id => "TokensPerSecond";
        public string ColumnName => "tok/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "B*T tokens divided by the mean time";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null) return "-";
            var config = RecurrentConfig.Get((string)benchmarkCase.Parameters["Id"]);
            return (config.Tokens / (report.ResultStatistics.Mean * 1e-9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
