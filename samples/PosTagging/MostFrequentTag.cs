namespace PosTaggingSample;

/// <summary>
/// The reference's baseline: each training word form gets the tag it carries most often in train (ties: the tag more
/// frequent in all of train, then the ordinally smaller); a word never seen in train gets the most frequent tag.
/// </summary>
internal sealed class MostFrequentTag
{
    private readonly Dictionary<string, string> _best = new(StringComparer.Ordinal);

    public MostFrequentTag(IEnumerable<(string Word, string Tag)[]> train)
    {
        var perWord = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var tagCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sentence in train)
            foreach (var (word, tag) in sentence)
            {
                if (!perWord.TryGetValue(word, out var counts)) perWord[word] = counts = new(StringComparer.Ordinal);
                counts[tag] = counts.GetValueOrDefault(tag) + 1;
                tagCounts[tag] = tagCounts.GetValueOrDefault(tag) + 1;
            }
        foreach (var (word, counts) in perWord)
            _best[word] = counts.OrderByDescending(p => p.Value).ThenByDescending(p => tagCounts[p.Key]).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
        Default = tagCounts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
    }

    /// <summary>The most frequent training tag, given to words never seen in train.</summary>
    public string Default { get; }

    public string TagOf(string word) => _best.GetValueOrDefault(word, Default);
}
