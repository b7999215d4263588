using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

public class SequenceNetworkStreamTests(ITestOutputHelper output)
{
    // H = 40 makes G*H and the vocabulary tails of the row kernel (not multiples of 8 or 32) part of the test.
    private static SequenceNetwork Network(CellType cell, int layers, bool learned = false)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 11, EmbeddingSize = 6, Cell = cell, HiddenSize = 40, Layers = layers,
            PerStepOutput = true, OutputSize = 13, LearnedInitialState = learned,
        });
        network.Initialize(3);
        if (learned)
        {
            var rng = new Random(9);
            Span<float> h0 = network.Parameters["rnn.h0"].Value;
            for (int i = 0; i < h0.Length; i++) h0[i] = (float)(rng.NextDouble() - 0.5);
        }
        return network;
    }

    private static SequenceBatch Batch(int[][] tokens, int steps)
    {
        var batch = new SequenceBatch();
        batch.Reset(tokens.Length, steps, 0, perStepTargets: true);
        for (int b = 0; b < tokens.Length; b++) batch.SetTokens(b, tokens[b]);
        return batch;
    }

    [Theory]
    [InlineData(CellType.Lstm, 2, false)]
    [InlineData(CellType.Gru, 2, true)]
    [InlineData(CellType.RnnTanh, 1, false)]
    [InlineData(CellType.Lstm, 1, true)]
    public void Steps_equal_a_forward_pass_over_the_same_tokens(CellType cell, int layers, bool learned)
    {
        const int T = 6, V = 13;
        using var network = Network(cell, layers, learned);
        int[][] tokens = [[1, 4, 2, 9, 0, 10], [7, 7, 3, 5, 8, 2]];
        using var batch = Batch(tokens, T);
        network.RunInference(batch);
        float[] expected = network.Logits.Span.ToArray(); // [T, B, V] time-major

        var stream = network.CreateStream(batch: 2);
        var logits = new float[2 * V];
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            stream.Step([tokens[0][t], tokens[1][t]], logits);
            for (int i = 0; i < 2 * V; i++) worst = Math.Max(worst, Math.Abs(logits[i] - expected[t * 2 * V + i]));
        }
        output.WriteLine($"{cell} x{layers}: stream vs forward max |diff| {worst:E2} (tolerance 1e-5)");
        Assert.True(worst <= 1e-5, $"max |diff| {worst:E2}");
    }

    [Fact]
    public void Reorder_continues_the_chosen_rows_and_a_step_allocates_nothing()
    {
        const int V = 13;
        using var network = Network(CellType.Lstm, 2);
        int[] prefixA = [1, 4, 2], prefixB = [7, 7, 3];
        var stream = network.CreateStream(batch: 2);
        var logits = new float[3 * V];
        for (int t = 0; t < 3; t++) stream.Step([prefixA[t], prefixB[t]], logits);

        // Rows become [B, A, B], then each reads token 5: row 0 and 2 must equal B's continuation, row 1 A's.
        stream.Reorder([1, 0, 1]);
        stream.Step([5, 5, 5], logits);
        var single = network.CreateStream(batch: 1);
        var alone = new float[V];
        foreach (int id in (int[])[.. prefixB, 5]) single.Step([id], alone);
        for (int j = 0; j < V; j++)
        {
            Assert.Equal(alone[j], logits[j], 5);
            Assert.Equal(alone[j], logits[2 * V + j], 5);
        }
        Assert.NotEqual(alone[0], logits[V]);

        stream.Step([2, 3, 4], logits);
        int[] tokens = [2, 3, 4];
        long allocated = SteadyState.AllocatedBytes(() => stream.Step(tokens, logits));
        output.WriteLine($"{allocated} bytes allocated by a steady-state step");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Refresh_picks_up_changed_weights_and_bad_tokens_are_named()
    {
        using var network = Network(CellType.Gru, 1);
        var stream = network.CreateStream();
        var before = new float[13];
        stream.Step([3], before);
        network.Parameters["output.weight"].Value[..40].Clear(); // row 0 of [13, 40]: logit 0 becomes its bias
        stream.Reset();
        var stale = new float[13];
        stream.Step([3], stale);
        Assert.Equal(before[0], stale[0]);
        stream.Refresh();
        stream.Reset();
        var fresh = new float[13];
        stream.Step([3], fresh);
        Assert.Equal(network.Parameters["output.bias"].Value[0], fresh[0]);
        Assert.NotEqual(before[0], fresh[0]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => stream.Step([11], fresh));
        Assert.Contains("tokens[0]", ex.Message);
    }
}
