using BenchmarkDotNet.Running;
using MLNet.Recurrent.Benchmarks;

// `dotnet run -c Release --project benchmarks/MLNet.Recurrent.Benchmarks -- --filter '*Gemm*' --job short`
// runs BenchmarkDotNet (GemmBenchmarks, RecurrentBenchmarks, LatencyBenchmarks); `-- --configs a,b,c,d,f,e,stream --json FILE`
// runs the compare harness's console mode (CompareMode); `-- peak` measures the FMA peak and our GEMM as a fraction of it
// (PeakMode); `-- costcurves` measures tokens/s and memory against T, H and B (CostCurves); `-- quick` runs a Stopwatch loop over the same shapes and prints GFLOP/s;
// `-- esn-quick [units,...] [threads]` times the parts of an echo state network fit (QuickEchoState);
// `-- cpu CONFIGS MODES [SECONDS]` times configs on one thread by its CPU clock, for A/B of a change (CpuTimeMode);
// `-- split CELL H B T [infer|train] [ROUNDS]` compares a layer's two ways of sharing its steps between threads (SplitMode);
// `-- rowstep [ROUNDS]` compares latency e's one-row steps split between threads and kept on the caller (RowStepMode).
if (args is ["peak", ..])
    return PeakMode.Run(args[1..]);
if (args is ["costcurves", ..])
    return CostCurves.Run(args[1..]);
if (args is ["cpu", ..])
    return CpuTimeMode.Run(args[1..]);
if (args is ["split", ..])
    return SplitMode.Run(args[1..]);
if (args is ["rowstep", ..])
    return RowStepMode.Run(args[1..]);
if (args is ["costplot", ..])
    return CostPlot.Run(args[1..]);
if (args.Contains("--json") || args.Contains("--configs"))
    return MLNet.Recurrent.Benchmarks.CompareMode.Run(args);
if (args is ["esn-quick", ..])
{
    QuickEchoState.Run(args[1..]);
    return 0;
}
if (args is ["quick", ..])
{
    QuickGemm.Run(args.Length > 1 ? args[1..] : []);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
