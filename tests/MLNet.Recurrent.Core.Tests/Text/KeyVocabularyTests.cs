using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Tests.Text;

public sealed class KeyVocabularyTests
{
    [Fact]
    public void Frequent_keys_keep_their_order_and_rare_ones_share_the_unknown_id()
    {
        // Key counts: 1 -> 3, 2 -> 1, 3 -> 2, 4 -> 0, 5 -> 2; the missing key 0 appears too.
        int[][] rows = [[1, 3, 1], [5, 0, 2], [1, 3, 5]];
        int[] ids = KeyVocabulary.KeepFrequent(rows, keyCount: 5, minCount: 2);
        Assert.Equal([0, 1, 0, 2, 0, 3], ids);
        Assert.Equal([0, 1, 2, 3, 0, 4], KeyVocabulary.KeepFrequent(rows, keyCount: 5, minCount: 1));
    }

    [Fact]
    public void A_key_beyond_the_count_or_a_zero_minimum_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyVocabulary.KeepFrequent([[1, 7]], keyCount: 5, minCount: 1));
        Assert.Contains("'rows' was 7; keys must be in [0, 5]", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyVocabulary.KeepFrequent([[1]], keyCount: 5, minCount: 0));
        Assert.Contains("'minCount' was 0", e.Message);
    }
}
