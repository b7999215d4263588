using BenchmarkDotNet.Attributes;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>Single-sequence latency (config e: B = 1, T = 100 through the c classifier) and one config-a generation step at B = 1.</summary>
[MemoryDiagnoser]
public class LatencyBenchmarks
{
    private RecurrentWorkload? _e;
    private StreamingWorkload? _stream;

    /// <summary>Builds both models.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _e = new RecurrentWorkload(RecurrentConfig.E);
        _stream = new StreamingWorkload();
    }

    /// <summary>Releases the workspaces.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _e?.Dispose();
        _stream?.Dispose();
    }

    /// <summary>One forward of a 100-step sequence to its class logits.</summary>
    [Benchmark]
    public void SingleSequence() => _e!.Infer();

    /// <summary>One token in, logits out, state carried, argmax chosen.</summary>
    [Benchmark]
    public int StreamingStep() => _stream!.Step();
}
