using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// The decoder's weights packed once per pass give the same bits as packing them inside every step's product:
/// losses and every gradient over several Adam steps, with shapes whose products cross a k block (k above 256).
/// </summary>
public sealed class EncoderDecoderPackingTests
{
    [Theory]
    [InlineData(CellType.Lstm, AttentionStyle.Additive)]
    [InlineData(CellType.Gru, AttentionStyle.General)]
    [InlineData(CellType.Lstm, AttentionStyle.Dot)]
    public void Packed_per_pass_products_give_the_unpacked_bits(CellType cell, AttentionStyle attention)
    {
        (double[] packedLosses, float[] packedGradients) = Train(cell, attention, disabled: false);
        (double[] plainLosses, float[] plainGradients) = Train(cell, attention, disabled: true);
        Assert.Equal(plainLosses, packedLosses);
        Assert.Equal(plainGradients, packedGradients);
        Assert.Contains(plainGradients, g => g != 0);
    }

    private static (double[] Losses, float[] Gradients) Train(CellType cell, AttentionStyle attention, bool disabled)
    {
        // H 72: W_hh^T has k = 72, W_ih^T k = E + 2H = 157, the combine layer k = 3H = 216, and the backward products
        // k = 4H = 288 (LSTM) or 3H = 216 (GRU): the LSTM's cross one k block of 256.
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 11, TargetVocabularySize = 9, EmbeddingSize = 13, HiddenSize = 72, AttentionSize = 40,
            Cell = cell, Attention = attention,
        });
        network.Initialize(4);
        var random = new Random(6);
        int[][] sources = Enumerable.Range(0, 9).Select(i => Enumerable.Range(0, 2 + i % 5).Select(_ => random.Next(4, 11)).ToArray()).ToArray();
        int[][] targets = Enumerable.Range(0, 9).Select(i => Enumerable.Range(0, 1 + i % 4).Select(_ => random.Next(4, 9)).ToArray()).ToArray();
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs(sources, targets, 2, 3).Fill([0, 1, 2, 3, 4, 5, 6, 7, 8], batch);
        var adam = new Adam(1e-2);
        var losses = new double[3];
        bool before = EncoderDecoder.PackingDisabled;
        EncoderDecoder.PackingDisabled = disabled;
        try
        {
            for (int step = 0; step < losses.Length; step++)
            {
                network.Parameters.ZeroGradients();
                losses[step] = network.Forward(batch, training: false);
                network.Backward();
                if (step < losses.Length - 1) adam.Step(network.Parameters);
            }
        }
        finally { EncoderDecoder.PackingDisabled = before; }
        return (losses, (float[])network.Parameters.Gradients.Clone());
    }
}
