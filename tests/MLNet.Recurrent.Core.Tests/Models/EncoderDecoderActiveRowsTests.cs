using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// Batches hold their longest targets first, and the decoder skips the steps past each row's target: the loss, the
/// scores and every gradient are those of the same pairs in any row order (to float rounding, the weight gradients
/// summing their rows in another order).
/// </summary>
public sealed class EncoderDecoderActiveRowsTests
{
    private static readonly int[][] Sources = [[1, 2, 3], [4], [5, 6, 1, 2], [3, 3], [6]];
    private static readonly int[][] Targets = [[1, 4], [5, 5, 3, 2], [], [4, 1, 1, 5, 5, 4], [2]];

    [Fact]
    public void Fill_puts_the_longest_targets_first_keeping_ties_in_order()
    {
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs(Sources, Targets, start: 2, end: 3).Fill([0, 1, 2, 3, 4], batch);
        Assert.Equal([7, 5, 3, 2, 1], batch.TargetLengths.ToArray());
        // Source is time-major: its first B values are the rows' first tokens (pairs 3, 1, 0, 4, 2).
        Assert.Equal([3, 4, 1, 6, 5], Enumerable.Range(0, 5).Select(r => batch.Source[r]).ToArray());
        // Targets of one length each: the given order stays.
        new Seq2SeqPairs(Sources, [[1], [2], [3], [4], [5]], start: 2, end: 3).Fill([3, 0, 4], batch);
        Assert.Equal([3, 1, 6], Enumerable.Range(0, 3).Select(r => batch.Source[r]).ToArray());
    }

    [Theory]
    [InlineData(CellType.Lstm, AttentionStyle.Additive, 1.0)]
    [InlineData(CellType.Gru, AttentionStyle.General, 1.0)]
    [InlineData(CellType.Lstm, AttentionStyle.Dot, 0.5)]
    public void Any_row_order_gives_the_same_loss_scores_and_gradients(CellType cell, AttentionStyle attention, double teacher)
    {
        int[] given = [2, 0, 4, 1, 3];
        var sorted = new Seq2SeqBatch();
        new Seq2SeqPairs(Sources, Targets, start: 2, end: 3).Fill(given, sorted);
        // The same pairs in the given order, shortest target first: every step then runs on all rows but the skipped
        // prefix ends only at the last row.
        var unsorted = new Seq2SeqBatch();
        unsorted.Reset(given.Length, sorted.SourceSteps, sorted.TargetSteps);
        for (int r = 0; r < given.Length; r++) unsorted.SetRow(r, Sources[given[r]], Targets[given[r]], 2, 3);

        var (sortedLoss, sortedCorrect, sortedGradients) = Run(cell, attention, teacher, sorted);
        var (unsortedLoss, unsortedCorrect, unsortedGradients) = Run(cell, attention, teacher, unsorted);
        if (teacher == 1)
        {
            Assert.Equal(unsortedLoss, sortedLoss, 1e-6);
            Assert.Equal(unsortedCorrect, sortedCorrect);
            for (int i = 0; i < sortedGradients.Length; i++)
                Assert.True(Math.Abs(sortedGradients[i] - unsortedGradients[i]) <= 1e-5 + 1e-4 * Math.Abs(unsortedGradients[i]),
                    $"gradient {i}: {sortedGradients[i]} sorted, {unsortedGradients[i]} in the given order");
        }
        Assert.True(double.IsFinite(sortedLoss) && double.IsFinite(unsortedLoss));
        Assert.Contains(sortedGradients, g => g != 0);
        Assert.All(sortedGradients, g => Assert.True(float.IsFinite(g)));
    }

    private static (double Loss, double Correct, float[] Gradients) Run(CellType cell, AttentionStyle attention, double teacher, Seq2SeqBatch batch)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 7, TargetVocabularySize = 6, EmbeddingSize = 5, HiddenSize = 6, AttentionSize = 4,
            Cell = cell, Attention = attention,
        });
        network.Initialize(3);
        network.Parameters.ZeroGradients();
        double loss = network.Forward(batch, training: false, teacher);
        network.Backward();
        float[] gradients = (float[])network.Parameters.Gradients.Clone();
        return (loss, network.Score(batch).Correct, gradients);
    }
}
