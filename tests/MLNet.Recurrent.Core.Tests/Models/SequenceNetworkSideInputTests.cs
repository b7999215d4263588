using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>The classifier's levers inside the network: the sparse side input, token dropout and embedding dropout.</summary>
public class SequenceNetworkSideInputTests(ITestOutputHelper output)
{
    private const int Slots = 50, Classes = 3;

    // Four sequences with sparse side rows: several slots, one repeated slot, an empty row, a single negative value.
    private static readonly int[][] s_sideIndices = [[3, 17, 49], [17, 17, 0], [], [42]];
    private static readonly float[][] s_sideValues = [[0.5f, 1.5f, -0.7f], [2f, -1f, 0.25f], [], [-1.2f]];

    private static SequenceBatch Batch(bool withSide)
    {
        var rng = new Random(5);
        int[] lengths = [5, 3, 1, 4];
        var batch = new SequenceBatch();
        batch.Reset(lengths.Length, 5, 0, perStepTargets: false);
        for (int b = 0; b < lengths.Length; b++)
        {
            batch.SetTokens(b, Enumerable.Range(0, lengths[b]).Select(_ => 1 + rng.Next(6)).ToArray()); // ids 1..6: never the unknown id 0
            batch.SetTarget(b, rng.Next(Classes));
            if (withSide) batch.SetSideFeatures(b, s_sideIndices[b], s_sideValues[b]);
        }
        return batch;
    }

    private static SequenceNetwork Network(int sideSlots = Slots, float tokenDropout = 0, float embeddingDropout = 0)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = CellType.Lstm, HiddenSize = 5, Bidirectional = true,
            Pooling = SequencePoolingMode.Mean, OutputSize = Classes, SideInputSize = sideSlots,
            TokenDropout = tokenDropout, EmbeddingDropout = embeddingDropout,
        });
        network.Initialize(seed: 3);
        return network;
    }

    private static void RandomizeSideWeights(SequenceNetwork network)
    {
        var rng = new Random(11);
        Span<float> w = network.Parameters["side.weight"].Value;
        for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() - 0.5);
    }

    [Fact]
    public void side_input_gradients_match_finite_differences_with_sparse_rows()
    {
        var network = Network();
        RandomizeSideWeights(network);
        var batch = Batch(withSide: true);
        network.Parameters.ZeroGradients();
        network.Forward(batch, training: false);
        network.Backward();
        var analytic = (float[])network.Parameters.Gradients.Clone();

        double error = GradientCheck.MaxRelativeError(
            () => network.Forward(batch, training: false),
            network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, network.Parameters.Values, p.Offset, p.Length, analytic, p.Offset)),
            output, eps: 1e-2f, floor: 1e-3, maxPerTarget: 40);
        Assert.True(error < 2e-2, $"max relative error {error:E2}");

        // Every side weight, including the repeated slot 17: the side input is linear, so its differences are exact to round-off.
        var side = network.Parameters["side.weight"];
        double sideError = GradientCheck.MaxRelativeError(
            () => network.Forward(batch, training: false),
            [new GradientCheck.Target("side.weight (all)", network.Parameters.Values, side.Offset, side.Length, analytic, side.Offset)],
            output, eps: 1e-2f, floor: 1e-3);
        Assert.True(sideError < 5e-3, $"side max relative error {sideError:E2}");

        // Slots no row holds get no gradient at all: the product never touched them.
        int[] used = s_sideIndices.SelectMany(r => r).Distinct().ToArray();
        for (int slot = 0; slot < Slots; slot++)
            if (!used.Contains(slot))
                for (int k = 0; k < Classes; k++) Assert.Equal(0f, analytic[side.Offset + slot * Classes + k]);
    }

    [Fact]
    public void side_input_adds_exactly_the_sparse_product_to_the_logits()
    {
        var network = Network();
        RandomizeSideWeights(network);
        network.RunInference(Batch(withSide: true));
        float[] withSide = network.Logits.Span.ToArray();
        network.RunInference(Batch(withSide: false)); // no side rows set: all zeros
        float[] without = network.Logits.Span.ToArray();

        ReadOnlySpan<float> w = network.Parameters["side.weight"].Value; // [S, K]
        double worst = 0;
        for (int b = 0; b < 4; b++)
            for (int k = 0; k < Classes; k++)
            {
                double expected = 0;
                for (int j = 0; j < s_sideIndices[b].Length; j++) expected += s_sideValues[b][j] * w[s_sideIndices[b][j] * Classes + k];
                worst = Math.Max(worst, Math.Abs(withSide[b * Classes + k] - without[b * Classes + k] - expected));
            }
        output.WriteLine($"max |logit difference - x W| = {worst:E2}");
        Assert.True(worst < 1e-5, $"{worst:E2}");
    }

    [Fact]
    public void a_side_index_outside_the_side_input_is_rejected_with_its_position_and_value()
    {
        var network = Network(sideSlots: 10);
        var batch = Batch(withSide: true); // holds slots up to 49
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => network.RunInference(batch));
        Assert.Contains("17", e.Message);
        Assert.Contains("[0, 10)", e.Message);
        var plain = Network(sideSlots: 0);
        var e2 = Assert.Throws<ArgumentException>(() => plain.RunInference(batch));
        Assert.Contains("side", e2.Message);
    }

    [Fact]
    public void token_dropout_is_only_active_in_training()
    {
        var plain = Network(sideSlots: 0);
        var dropping = Network(sideSlots: 0, tokenDropout: 0.5f);
        Assert.Equal(plain.Parameters.Values, dropping.Parameters.Values); // same seed, same weights
        var batch = Batch(withSide: false);

        // Inference: identical to a network without token dropout, every time.
        plain.RunInference(batch);
        float[] expected = plain.Logits.Span.ToArray();
        for (int i = 0; i < 3; i++)
        {
            dropping.RunInference(batch);
            Assert.Equal(expected, dropping.Logits.Span.ToArray());
        }

        // Training: the batch holds ids 1..6 only, yet the unknown id 0's embedding receives gradient because dropped
        // tokens read it; without training mode it receives none.
        var unknownRow = dropping.Parameters["embedding.weight"];
        dropping.Parameters.ZeroGradients();
        dropping.Forward(batch, training: true);
        dropping.Backward();
        float unknownGradient = unknownRow.Gradient[..4].ToArray().Sum(Math.Abs);
        Assert.True(unknownGradient > 0, "no token was dropped to the unknown id in training");

        dropping.Parameters.ZeroGradients();
        dropping.Forward(batch, training: false);
        dropping.Backward();
        Assert.All(unknownRow.Gradient[..4].ToArray(), g => Assert.Equal(0f, g));
        // The batch itself is never changed by dropout.
        Assert.DoesNotContain(0, batch.Tokens.ToArray().Where((_, i) => i / 4 < batch.Lengths[i % 4]));
    }

    [Fact]
    public void embedding_dropout_changes_training_passes_but_not_inference()
    {
        var plain = Network(sideSlots: 0);
        var dropping = Network(sideSlots: 0, embeddingDropout: 0.5f);
        var batch = Batch(withSide: false);
        plain.RunInference(batch);
        dropping.RunInference(batch);
        Assert.Equal(plain.Logits.Span.ToArray(), dropping.Logits.Span.ToArray());
        double lossPlain = plain.Forward(batch, training: true), lossDropping = dropping.Forward(batch, training: true);
        Assert.NotEqual(lossPlain, lossDropping);
    }

    [Fact]
    public void a_network_with_a_side_input_and_dropouts_round_trips_through_a_model_file()
    {
        var network = Network(tokenDropout: 0.1f, embeddingDropout: 0.2f);
        RandomizeSideWeights(network);
        var file = new ModelFile();
        network.WriteTo(file);
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var read = SequenceNetwork.ReadFrom(ModelFile.Read(stream));
        Assert.Equal(Slots, read.Options.SideInputSize);
        Assert.Equal(0.1f, read.Options.TokenDropout);
        Assert.Equal(0.2f, read.Options.EmbeddingDropout);
        var batch = Batch(withSide: true);
        network.RunInference(batch);
        read.RunInference(batch);
        Assert.Equal(network.Logits.Span.ToArray(), read.Logits.Span.ToArray());
    }

    [Fact]
    public void checkpointed_random_state_covers_token_and_embedding_dropout()
    {
        var network = Network(tokenDropout: 0.3f, embeddingDropout: 0.3f);
        var batch = Batch(withSide: true);
        long[] state = network.ExportRandomState();
        double first = network.Forward(batch, training: true);
        network.ImportRandomState(state);
        Assert.Equal(first, network.Forward(batch, training: true));
        Assert.Equal(state.Length, Network().ExportRandomState().Length + 2 * Parameters.DeterministicRandom.StateLength);
    }
}
