using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

public class SequenceNetworkTests(ITestOutputHelper output)
{
    private static SequenceBatch TokenBatch(bool perStep, int seed)
    {
        var rng = new Random(seed);
        int[] lengths = [5, 3, 1, 4];
        var batch = new SequenceBatch();
        batch.Reset(lengths.Length, 5, 0, perStep);
        for (int b = 0; b < lengths.Length; b++)
        {
            batch.SetTokens(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(7)).ToArray());
            if (perStep) batch.SetStepTargets(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(3)).ToArray());
            else batch.SetTarget(b, rng.Next(3));
        }
        return batch;
    }

    private static SequenceBatch FrameBatch(int seed)
    {
        var rng = new Random(seed);
        int[] lengths = [4, 2, 3];
        var batch = new SequenceBatch();
        batch.Reset(lengths.Length, 4, 3, perStepTargets: true);
        for (int b = 0; b < lengths.Length; b++)
        {
            batch.SetFrames(b, Enumerable.Range(0, lengths[b] * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
            batch.SetStepTargets(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(2)).ToArray());
        }
        return batch;
    }

    public static TheoryData<CellType, bool, SequencePoolingMode> Shapes => new()
    {
        { CellType.Lstm, false, SequencePoolingMode.Last },
        { CellType.Gru, true, SequencePoolingMode.Mean },
        { CellType.RnnTanh, true, SequencePoolingMode.Max },
        { CellType.Lstm, true, SequencePoolingMode.Last },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Whole_network_gradients_match_finite_differences(CellType cell, bool bidirectional, SequencePoolingMode pooling)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = cell, HiddenSize = 5, Layers = 2,
            Bidirectional = bidirectional, Pooling = pooling, OutputSize = 3,
        });
        network.Initialize(seed: 3);
        var batch = TokenBatch(perStep: false, seed: 1);
        network.Parameters.ZeroGradients();
        network.Forward(batch, training: false);
        network.Backward();
        var analytic = (float[])network.Parameters.Gradients.Clone();

        double error = GradientCheck.MaxRelativeError(
            () => network.Forward(batch, training: false),
            network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, network.Parameters.Values, p.Offset, p.Length, analytic, p.Offset)),
            output, eps: 1e-2f, floor: 1e-3, maxPerTarget: 40);
        // float32 forward, central differences with eps 1e-2: 2e-2 relative (floor 1e-3) is the tolerance.
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
    }

    [Fact]
    public void Per_step_frame_network_gradients_match_finite_differences()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            FrameSize = 3, Cell = CellType.Gru, HiddenSize = 4, Layers = 1, PerStepOutput = true, OutputSize = 2,
        });
        network.Initialize(seed: 5);
        var batch = FrameBatch(seed: 2);
        network.Parameters.ZeroGradients();
        network.Forward(batch, training: false);
        network.Backward();
        var analytic = (float[])network.Parameters.Gradients.Clone();
        double error = GradientCheck.MaxRelativeError(
            () => network.Forward(batch, training: false),
            network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, network.Parameters.Values, p.Offset, p.Length, analytic, p.Offset)),
            output, eps: 1e-2f, floor: 1e-3);
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
    }

    [Fact]
    public void Written_and_read_back_it_predicts_the_same_and_names_parameters_like_pytorch()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = CellType.Lstm, HiddenSize = 6, Layers = 2, Bidirectional = true, OutputSize = 3,
        });
        network.Initialize(seed: 11);
        var file = new ModelFile();
        network.WriteTo(file);
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var loaded = SequenceNetwork.ReadFrom(ModelFile.Read(stream));

        var batch = TokenBatch(perStep: false, seed: 4);
        using var p1 = new Tensor(0);
        using var p2 = new Tensor(0);
        network.Predict(batch, p1);
        loaded.Predict(batch, p2);
        Assert.Equal(p1.Span.ToArray(), p2.Span.ToArray());
        Assert.Contains("rnn.weight_hh_l1_reverse", loaded.Parameters.Parameters.Select(p => p.Name));
        Assert.Contains("embedding.weight", loaded.Parameters.Parameters.Select(p => p.Name));
        Assert.Contains("output.bias", loaded.Parameters.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Carrying_state_over_two_chunks_equals_one_pass_over_the_whole_sequence()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = CellType.Lstm, HiddenSize = 5, Layers = 2, PerStepOutput = true, OutputSize = 7,
        });
        network.Initialize(seed: 2);
        int[] ids = [1, 4, 2, 6, 0, 3, 5, 2];
        var whole = new SequenceBatch();
        whole.Reset(1, 8, 0, true);
        whole.SetTokens(0, ids);
        network.RunInference(whole);
        var expected = network.Logits.Span.ToArray();

        CarriedState? state = null;
        var chunk = new SequenceBatch();
        var actual = new List<float>();
        foreach (var part in new[] { ids[..5], ids[5..] })
        {
            chunk.Reset(1, part.Length, 0, true);
            chunk.SetTokens(0, part);
            chunk.InitialState = state;
            network.RunInference(chunk);
            state = network.SaveFinalState(state);
            actual.AddRange(network.Logits.Span.ToArray());
        }
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void A_batch_of_the_wrong_kind_is_rejected_with_what_was_expected()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 3, HiddenSize = 4, OutputSize = 2 });
        var e = Assert.Throws<ArgumentException>(() => network.Forward(TokenBatch(perStep: false, seed: 1), training: false));
        Assert.Contains("token ids", e.Message);
        Assert.Contains("frames of 3 features", e.Message);

        var o = Assert.Throws<ArgumentException>(() => new SequenceNetwork(new SequenceNetworkOptions { InputVocabularySize = 5, FrameSize = 3, OutputSize = 2 }));
        Assert.Contains("'FrameSize' was 3", o.Message);
    }
}
