using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// The output layer run on the rows whose target counts gives the bits of running it on every row, padding included:
/// losses, scores and every gradient over several Adam steps, with more than 256 rows (so W_out's gradient crosses
/// k blocks), teacher forcing and scheduled sampling, dropout and label smoothing.
/// </summary>
public sealed class EncoderDecoderOutputRowsTests
{
    [Theory]
    [InlineData(CellType.Lstm, AttentionStyle.Additive, 1.0, 0f)]
    [InlineData(CellType.Gru, AttentionStyle.General, 0.5, 0.1f)]
    [InlineData(CellType.Lstm, AttentionStyle.Dot, 1.0, 0.2f)]
    public void Output_on_counted_rows_gives_the_every_row_bits(CellType cell, AttentionStyle attention, double teacher, float smoothing)
    {
        var selected = Train(cell, attention, teacher, smoothing, everyRow: false);
        var every = Train(cell, attention, teacher, smoothing, everyRow: true);
        Assert.Equal(every.Losses, selected.Losses);
        Assert.Equal(every.Objectives, selected.Objectives);
        Assert.Equal(every.Correct, selected.Correct);
        Assert.Equal(every.Gradients, selected.Gradients);
        Assert.Contains(every.Gradients, g => g != 0);
    }

    private static (double[] Losses, double[] Objectives, double[] Correct, float[] Gradients) Train(
        CellType cell, AttentionStyle attention, double teacher, float smoothing, bool everyRow)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 11, TargetVocabularySize = 17, EmbeddingSize = 8, HiddenSize = 12, AttentionSize = 10,
            Cell = cell, Attention = attention, Dropout = 0.2f, LabelSmoothing = smoothing,
        });
        network.Initialize(4);
        // 30 pairs, targets of 1 to 14 tokens: 15 steps x 30 rows = 450 rows, about half of them padding.
        var random = new Random(6);
        int[][] sources = Enumerable.Range(0, 30).Select(i => Enumerable.Range(0, 2 + i % 5).Select(_ => random.Next(4, 11)).ToArray()).ToArray();
        int[][] targets = Enumerable.Range(0, 30).Select(i => Enumerable.Range(0, 1 + i * 7 % 14).Select(_ => random.Next(4, 17)).ToArray()).ToArray();
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs(sources, targets, 2, 3).Fill([.. Enumerable.Range(0, 30)], batch);
        Assert.True(batch.TargetSteps * batch.BatchSize > 256);
        var adam = new Adam(1e-2);
        var losses = new double[3];
        var objectives = new double[3];
        var correct = new double[3];
        bool before = EncoderDecoder.OutputOnEveryRow;
        EncoderDecoder.OutputOnEveryRow = everyRow;
        try
        {
            for (int step = 0; step < losses.Length; step++)
            {
                network.Parameters.ZeroGradients();
                losses[step] = network.Forward(batch, training: true, teacher);
                objectives[step] = network.LastObjective;
                network.Backward();
                correct[step] = network.Score(batch).Correct;
                adam.Step(network.Parameters);
            }
        }
        finally { EncoderDecoder.OutputOnEveryRow = before; }
        return (losses, objectives, correct, (float[])network.Parameters.Gradients.Clone());
    }
}
