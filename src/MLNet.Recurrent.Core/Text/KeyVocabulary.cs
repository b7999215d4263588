using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// A vocabulary over integer keys 1..N (ML.NET's key columns, already mapped from words by <c>MapValueToKey</c>):
/// keys seen at least a minimum number of times in training keep their order and get ids 1..V-1; the missing key 0
/// and the rare keys share the unknown id 0, whose embedding is then trained on the rare words. The key-level
/// counterpart of <see cref="TokenVocabulary"/>.
/// </summary>
public static class KeyVocabulary
{
    /// <summary>Builds the key-to-id map from the training rows.</summary>
    /// <param name="rows">The training sequences as keys in [0, <paramref name="keyCount"/>].</param>
    /// <param name="keyCount">N, the number of keys; at most <see cref="RecurrentLimits.MaxKeyCount"/>.</param>
    /// <param name="minCount">The fewest occurrences a key needs to get an id of its own; at least 1.</param>
    /// <returns>[N + 1]: the id of key k at index k (0 for the missing key and the rare keys).</returns>
    /// <exception cref="InvalidOperationException">
    /// More than <see cref="RecurrentLimits.MaxVocabularySize"/> - 1 keys are frequent enough to keep.
    /// </exception>
    public static int[] KeepFrequent(IEnumerable<int[]> rows, int keyCount, int minCount)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ThrowHelper.ThrowIfNegative(keyCount, nameof(keyCount));
        ThrowHelper.ThrowIfAboveLimit(keyCount, RecurrentLimits.MaxKeyCount, nameof(keyCount), "RecurrentLimits.MaxKeyCount");
        ThrowHelper.ThrowIfNotPositive(minCount, nameof(minCount));
        var counts = new long[keyCount + 1];
        foreach (int[] row in rows)
            foreach (int key in row)
            {
                if ((uint)key > (uint)keyCount) ThrowHelper.OutOfRange(nameof(rows), key, $"keys must be in [0, {keyCount}]");
                counts[key]++;
            }
        var ids = new int[keyCount + 1];
        int next = 1;
        for (int key = 1; key <= keyCount; key++) ids[key] = counts[key] >= minCount ? next++ : 0;
        CheckKept(next, keyCount, minCount);
        return ids;
    }

    private static void CheckKept(int vocabularySize, int keyCount, int minCount)
    {
        if (vocabularySize > RecurrentLimits.MaxVocabularySize)
            ThrowHelper.InvalidOperation($"{vocabularySize - 1} of the {keyCount} keys are seen at least {minCount} times; the network would embed {vocabularySize} ids " +
                $"(with the unknown id) but a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} (RecurrentLimits.MaxVocabularySize); " +
                "raise the minimum token count or hash to fewer bits.");
    }
}
