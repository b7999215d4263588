using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Groups sequences of similar length into mini-batches so little of a batch is padding, while keeping the
/// order random: sequences are shuffled, sorted by length within windows of <c>batchSize * window</c>, cut
/// into batches, and the batches shuffled. A seed gives the same batches every time.
/// </summary>
public static class LengthBuckets
{
    /// <summary>Cuts the sequence indices 0..N-1 into batches of at most <paramref name="batchSize"/>.</summary>
    /// <param name="lengths">[N] the length of each sequence.</param>
    /// <param name="batchSize">The most sequences in a batch.</param>
    /// <param name="random">The source of the shuffles (seeded by the caller, one per epoch).</param>
    /// <param name="window">How many batches' worth of sequences are sorted together; larger means less padding, less randomness.</param>
    public static int[][] Batches(ReadOnlySpan<int> lengths, int batchSize, Random random, int window = 50)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        ThrowHelper.ThrowIfNotPositive(window, nameof(window));
        ArgumentNullException.ThrowIfNull(random);
        int n = lengths.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        random.Shuffle(order);

        int chunk = batchSize * window;
        var len = lengths.ToArray();
        for (int start = 0; start < n; start += chunk)
        {
            int count = Math.Min(chunk, n - start);
            // Stable by construction: ties keep their shuffled order because the key includes the position.
            var keys = new long[count];
            for (int i = 0; i < count; i++) keys[i] = ((long)len[order[start + i]] << 32) | (uint)i;
            keys.AsSpan().Sort(order.AsSpan(start, count));
        }

        var batches = new int[(n + batchSize - 1) / batchSize][];
        for (int b = 0; b < batches.Length; b++)
            batches[b] = order.AsSpan(b * batchSize, Math.Min(batchSize, n - b * batchSize)).ToArray();
        random.Shuffle(batches);
        return batches;
    }

    /// <summary>Cuts one random permutation of 0..N-1 into consecutive batches of <paramref name="batchSize"/> (the last one shorter).</summary>
    /// <param name="count">N, the number of sequences.</param>
    /// <param name="batchSize">The most sequences in a batch.</param>
    /// <param name="random">The source of the permutation.</param>
    public static int[][] Shuffled(int count, int batchSize, Random random)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        ArgumentNullException.ThrowIfNull(random);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        random.Shuffle(order);
        var batches = new int[(count + batchSize - 1) / batchSize][];
        for (int b = 0; b < batches.Length; b++)
            batches[b] = order.AsSpan(b * batchSize, Math.Min(batchSize, count - b * batchSize)).ToArray();
        return batches;
    }

    /// <summary>The fraction of a batch's cells (B x T, T the batch's longest sequence) that are padding.</summary>
    /// <param name="lengths">[N] the length of each sequence.</param>
    /// <param name="batches">Index batches as returned by <see cref="Batches"/>.</param>
    public static double PaddingFraction(ReadOnlySpan<int> lengths, IEnumerable<int[]> batches)
    {
        long cells = 0, used = 0;
        foreach (var batch in batches)
        {
            int max = 0;
            foreach (int i in batch)
            {
                max = Math.Max(max, lengths[i]);
                used += lengths[i];
            }
            cells += (long)max * batch.Length;
        }
        return cells == 0 ? 0 : 1.0 - (double)used / cells;
    }
}
