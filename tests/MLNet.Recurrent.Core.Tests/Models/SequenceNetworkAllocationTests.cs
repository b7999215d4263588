using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

public class SequenceNetworkAllocationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CellType.Lstm, true)]
    [InlineData(CellType.Gru, false)]
    [InlineData(CellType.RnnTanh, true)]
    public void A_steady_state_training_step_allocates_nothing_and_repeats_its_loss(CellType cell, bool languageModel)
    {
        // Big enough that the per-step products run on two threads (32 x 64 x 256 multiply-adds and up).
        const int B = 32, T = 12, V = 17;
        var options = new SequenceNetworkOptions
        {
            InputVocabularySize = V, EmbeddingSize = 16, Cell = cell, HiddenSize = 64, Layers = 2,
            PerStepOutput = languageModel, OutputSize = languageModel ? V : 3,
        };
        using var network = new SequenceNetwork(options);
        using var twin = new SequenceNetwork(options);
        network.Initialize(5);
        twin.Initialize(5);
        var rng = new Random(7);
        using var batch = new SequenceBatch();
        batch.Reset(B, T, 0, perStepTargets: languageModel);
        for (int b = 0; b < B; b++)
        {
            int length = T - b % 4;
            batch.SetTokens(b, Enumerable.Range(0, length).Select(_ => rng.Next(V)).ToArray());
            if (languageModel) batch.SetStepTargets(b, Enumerable.Range(0, length).Select(_ => rng.Next(V)).ToArray());
            else batch.SetTarget(b, rng.Next(3));
        }
        var adam = new Adam(1e-2);
        var twinAdam = new Adam(1e-2);

        static double Step(SequenceNetwork net, Adam opt, SequenceBatch batch)
        {
            net.Parameters.ZeroGradients();
            double loss = net.Forward(batch, training: true);
            net.Backward();
            opt.Step(net.Parameters);
            return loss;
        }

        for (int i = 0; i < 3; i++) Step(network, adam, batch);
        int steps = 3;
        double loss = 0;
        long allocated = SteadyState.AllocatedBytes(() => { loss = Step(network, adam, batch); steps++; });

        // The twin takes as many steps: the last loss must be the same bits (deterministic, stateless workspaces).
        double twinLoss = 0;
        for (int i = 0; i < steps; i++) twinLoss = Step(twin, twinAdam, batch);
        output.WriteLine($"{cell}: step {steps} loss {loss:R} (twin {twinLoss:R}); {allocated} bytes allocated by a steady-state step");
        Assert.Equal(loss, twinLoss);
        Assert.Equal(0, allocated);
    }
}
