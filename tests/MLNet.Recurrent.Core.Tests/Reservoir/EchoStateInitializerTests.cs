using MathNet.Numerics.LinearAlgebra;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class EchoStateInitializerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CellType.RnnTanh, 1)]
    [InlineData(CellType.Lstm, 4)]
    [InlineData(CellType.Gru, 3)]
    public void Echo_state_initialization_gives_every_gate_block_the_chosen_spectral_radius(CellType cell, int gates)
    {
        const int H = 24;
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 5, EmbeddingSize = 4, Cell = cell, HiddenSize = H, Layers = 2, OutputSize = 3,
            Initialization = RecurrentInitialization.EchoState, EchoStateSpectralRadius = 0.95,
        });
        network.Initialize(seed: 1);
        foreach (string name in (string[])["rnn.weight_hh_l0", "rnn.weight_hh_l1"])
        {
            float[] w = network.Parameters[name].Value.ToArray();
            for (int g = 0; g < gates; g++)
            {
                var m = Matrix<double>.Build.Dense(H, H, (i, j) => w[(g * H + i) * H + j]);
                double radius = m.Evd().EigenValues.Max(l => l.Magnitude);
                output.WriteLine($"{cell} {name} gate {g}: spectral radius {radius:F6} (target 0.95, tolerance 1%)");
                Assert.InRange(radius, 0.95 * 0.99, 0.95 * 1.01);
            }
        }
    }

    [Fact]
    public void The_default_initialization_is_still_orthogonal()
    {
        const int H = 6;
        var network = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 2, Cell = CellType.RnnTanh, HiddenSize = H, OutputSize = 2 });
        network.Initialize(seed: 1);
        float[] w = network.Parameters["rnn.weight_hh_l0"].Value.ToArray();
        var m = Matrix<double>.Build.Dense(H, H, (i, j) => w[i * H + j]);
        double error = (m * m.Transpose() - Matrix<double>.Build.DenseIdentity(H)).Enumerate().Max(Math.Abs);
        Assert.True(error < 1e-5, $"max |W W^T - I| = {error}");
    }

    [Fact]
    public void A_spectral_radius_of_zero_is_rejected_by_the_layer_options()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNetwork(new SequenceNetworkOptions
        {
            FrameSize = 2, HiddenSize = 4, OutputSize = 2, Initialization = RecurrentInitialization.EchoState, EchoStateSpectralRadius = 0,
        }));
        Assert.StartsWith("'EchoStateSpectralRadius' was 0; it must be a finite positive number", e.Message);
    }
}
