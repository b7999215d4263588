using BenchmarkDotNet.Attributes;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Reservoir;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// Fitting an echo state forecaster on 10^5 Mackey-Glass steps (100, 300 and 1,000 units; radius 1.25, leak 0.3,
/// ridge 1e-5, washout 100, connectivity 0.1): drawing the reservoir, estimating its spectral radius, running it and
/// solving the ridge readout, on 1 and 2 threads. MemoryDiagnoser shows what one fit allocates.
/// </summary>
[MemoryDiagnoser]
public class EchoStateBenchmarks
{
    private const int Steps = 100_000;
    private double[] _series = [];

    /// <summary>N: reservoir units.</summary>
    [Params(100, 300, 1000)]
    public int Units { get; set; }

    /// <summary>Threads allowed (<see cref="ComputeSettings.UseThreads"/>).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The series, generated once.</summary>
    [GlobalSetup]
    public void Setup() => _series = MackeyGlass.Generate(Steps);

    /// <summary>One whole fit: reservoir draw and radius, 10^5 steps, the normal equations and the solve.</summary>
    [Benchmark]
    public EchoStateNetwork FitForecaster()
    {
        using var scope = ComputeSettings.UseThreads(Threads);
        return EchoStateNetwork.FitForecaster(Options(Units), _series);
    }

    /// <summary>Drawing W and estimating its spectral radius alone.</summary>
    [Benchmark]
    public EchoStateReservoir CreateReservoir() => EchoStateReservoir.Create(Options(Units));

    internal static EchoStateNetworkOptions Options(int units) => new()
    {
        ReservoirSize = units, SpectralRadius = 1.25, LeakRate = 0.3, Ridge = 1e-5, Washout = 100, Seed = 1,
    };
}
