using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// The vocabulary of one side of a translation model, as the reference script builds it: <c>&lt;pad&gt;</c> = 0,
/// <c>&lt;unk&gt;</c> = 1, <c>&lt;s&gt;</c> = 2, <c>&lt;/s&gt;</c> = 3, then every training token seen at least
/// min-count times, most frequent first, ties in ordinal order.
/// </summary>
public static class TranslationVocabulary
{
    /// <summary>The padding token.</summary>
    public const string Padding = "<pad>";

    /// <summary>The unknown token.</summary>
    public const string Unknown = "<unk>";

    /// <summary>The start symbol.</summary>
    public const string Start = "<s>";

    /// <summary>The end symbol.</summary>
    public const string End = "</s>";

    /// <summary>Id of <see cref="Padding"/>.</summary>
    public const int PaddingId = 0;

    /// <summary>Id of <see cref="Unknown"/>.</summary>
    public const int UnknownId = 1;

    /// <summary>Id of <see cref="Start"/>.</summary>
    public const int StartId = 2;

    /// <summary>Id of <see cref="End"/>.</summary>
    public const int EndId = 3;

    /// <summary>
    /// Builds the vocabulary from tokenized training sentences. A vocabulary that would hold more than
    /// <see cref="RecurrentLimits.MaxVocabularySize"/> ids is refused with an <see cref="InvalidOperationException"/>
    /// before it is built (with <paramref name="minCount"/> 1, as soon as the distinct tokens pass the limit).
    /// </summary>
    /// <param name="sentences">The training sentences' tokens.</param>
    /// <param name="minCount">Keep tokens seen at least this often (1 keeps all).</param>
    /// <param name="types">The number of distinct training tokens, kept or not.</param>
    public static TokenVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount, out int types)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ThrowHelper.ThrowIfNotPositive(minCount, nameof(minCount));
        string[] specials = [Padding, Unknown, Start, End];
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (string token in sentence)
            {
                if (counts.TryGetValue(token, out long seen)) counts[token] = seen + 1;
                else
                {
                    // Every token seen is kept with min count 1: refuse before the counts grow past the limit.
                    if (minCount == 1 && counts.Count + specials.Length >= RecurrentLimits.MaxVocabularySize) TooMany(counts.Count + 1, minCount, more: true);
                    counts[token] = 1;
                }
            }
        types = counts.Count;
        var frequent = counts.Where(p => p.Value >= minCount && !specials.Contains(p.Key)).ToList();
        if (frequent.Count + specials.Length > RecurrentLimits.MaxVocabularySize) TooMany(frequent.Count, minCount, more: false);
        var kept = frequent.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);
        return new TokenVocabulary([.. specials, .. kept], UnknownId, PaddingId);
    }

    private static void TooMany(int tokens, int minCount, bool more) =>
        ThrowHelper.InvalidOperation($"The training text holds {(more ? "more than " : "")}{(more ? tokens - 1 : tokens)} distinct tokens seen at least {minCount} times; " +
            $"with the 4 special tokens a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} ids (RecurrentLimits.MaxVocabularySize), " +
            "so its embedding and output layers stay bounded; raise the minimum token count.");
}
