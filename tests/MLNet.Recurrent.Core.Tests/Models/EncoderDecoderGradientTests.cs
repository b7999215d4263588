using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// Finite-difference checks of the whole encoder-decoder (embeddings, bidirectional encoder stack, bridge, decoder
/// cell, attention, input feeding, combination, output layer, label-smoothed loss) on tiny sizes, with a batch of
/// three pairs of different source and target lengths, dropout masks held fixed by restoring the generators.
/// </summary>
public sealed class EncoderDecoderGradientTests(ITestOutputHelper output)
{
    public static TheoryData<CellType, AttentionStyle, bool, int, float, float> Configurations => new()
    {
        { CellType.Lstm, AttentionStyle.Additive, true, 2, 0.3f, 0.1f },
        { CellType.Gru, AttentionStyle.Additive, true, 1, 0f, 0f },
        { CellType.Lstm, AttentionStyle.General, false, 1, 0f, 0.2f },
        { CellType.Gru, AttentionStyle.General, true, 2, 0.25f, 0f },
        { CellType.Lstm, AttentionStyle.Dot, true, 1, 0.2f, 0.1f },
        { CellType.Gru, AttentionStyle.Dot, false, 2, 0f, 0f },
    };

    [Theory]
    [InlineData(CellType.Lstm, false)]
    [InlineData(CellType.Lstm, true)]
    [InlineData(CellType.Gru, true)]
    public void Conditioned_generation_from_a_grid_of_vectors_has_gradients_that_match_finite_differences(CellType cell, bool everyStep)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVectorSize = 3, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, AttentionSize = 5, Dropout = 0.2f, LabelSmoothing = 0.1f,
            Cell = cell, ConditionEveryStep = everyStep,
        });
        network.Initialize(5);
        var random = new Random(2);
        float[] Grid(int n) => Enumerable.Range(0, 3 * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var batch = new Seq2SeqBatch();
        new VectorSequencePairs([Grid(1), Grid(4), Grid(2)], [[1, 4], [5, 5, 3, 2], []], 3, start: 2, end: 3).Fill([0, 1, 2], batch);
        long[] generators = network.ExportRandomState();

        double Loss()
        {
            network.ImportRandomState(generators);
            network.Forward(batch, training: true);
            return network.LastObjective;
        }

        Loss();
        network.Parameters.ZeroGradients();
        network.Backward();
        float[] values = network.Parameters.Values, gradients = network.Parameters.Gradients;
        var targets = network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, values, p.Offset, p.Length, gradients, p.Offset));
        double error = GradientCheck.MaxRelativeError(Loss, targets, output, eps: 1e-2f, floor: 1e-3, maxPerTarget: 30);
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
        Assert.True(network.Parameters.Contains("src_proj.weight") && !network.Parameters.Contains("src_emb.weight"));
        // With the vector at every step the decoder reads [embedding E; context 2H; p E].
        Assert.Equal(everyStep ? 3 + 8 + 3 : 3 + 8, network.Parameters["decoder.weight_ih"].Shape[1]);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Whole_network_gradients_match_finite_differences(CellType cell, AttentionStyle attention, bool inputFeeding, int layers, float dropout, float smoothing)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 7, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, AttentionSize = 5,
            EncoderLayers = layers, Cell = cell, Attention = attention, InputFeeding = inputFeeding, Dropout = dropout, LabelSmoothing = smoothing,
        });
        network.Initialize(11);
        // Embeddings are N(0, 1): shrink them so no tanh saturates and float32 differences stay meaningful.
        foreach (var name in new[] { "src_emb.weight", "tgt_emb.weight" })
            System.Numerics.Tensors.TensorPrimitives.Multiply(network.Parameters[name].Value, 0.5f, network.Parameters[name].Value);
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs([[1, 2, 3], [4], [5, 6, 1, 2]], [[1, 4], [5, 5, 3, 2], []], start: 2, end: 3).Fill([0, 1, 2], batch);
        long[] generators = network.ExportRandomState();

        double Loss()
        {
            network.ImportRandomState(generators);
            network.Forward(batch, training: true);
            return network.LastObjective;
        }

        Loss();
        network.Parameters.ZeroGradients();
        network.Backward();
        float[] values = network.Parameters.Values, gradients = network.Parameters.Gradients;
        var targets = network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, values, p.Offset, p.Length, gradients, p.Offset));
        double error = GradientCheck.MaxRelativeError(Loss, targets, output, eps: 1e-2f, floor: 1e-3, maxPerTarget: 40);
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
        Assert.Equal(attention == AttentionStyle.Dot, !network.Parameters.Contains("att_k.weight"));
    }
}
