namespace PosTaggingSample;

/// <summary>
/// The reference's vocabulary: &lt;pad&gt; = 0, &lt;unk&gt; = 1, then every training word form (case kept) seen at least
/// <c>minCount</c> times, by descending count then ordinal order.
/// </summary>
internal sealed class WordVocabulary
{
    public const int Unknown = 1;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public WordVocabulary(IEnumerable<(string Word, string Tag)[]> train, int minCount)
    {
        foreach (var sentence in train)
            foreach (var (word, _) in sentence)
                TrainCounts[word] = TrainCounts.GetValueOrDefault(word) + 1;
        var kept = TrainCounts.Where(p => p.Value >= minCount).Select(p => p.Key)
            .OrderByDescending(w => TrainCounts[w]).ThenBy(w => w, StringComparer.Ordinal);
        foreach (string word in kept) _ids[word] = _ids.Count + 2;
    }

    /// <summary>How often each word form occurs in train.</summary>
    public Dictionary<string, int> TrainCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>V: the two specials plus the kept words.</summary>
    public int Count => _ids.Count + 2;

    public int IdOf(string word) => _ids.GetValueOrDefault(word, Unknown);
}
