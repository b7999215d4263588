using BenchmarkDotNet.Running;
using MLNet.Recurrent.Benchmarks;

// `dotnet run -c Release --project benchmarks/MLNet.Recurrent.Benchmarks -- --filter '*Gemm*' --job short`
// runs BenchmarkDotNet; `-- quick` runs a Stopwatch loop over the same shapes and prints GFLOP/s.
if (args is ["quick", ..])
{
    QuickGemm.Run(args.Length > 1 ? args[1..] : []);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
