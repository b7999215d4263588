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

    /// <summary>Builds the vocabulary from tokenized training sentences.</summary>
    /// <param name="sentences">The training sentences' tokens.</param>
    /// <param name="minCount">Keep tokens seen at least this often (1 keeps all).</param>
    /// <param name="types">The number of distinct training tokens, kept or not.</param>
    public static TokenVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount, out int types)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ThrowHelper.ThrowIfNotPositive(minCount, nameof(minCount));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (string token in sentence) counts[token] = counts.GetValueOrDefault(token) + 1;
        types = counts.Count;
        string[] specials = [Padding, Unknown, Start, End];
        var kept = counts.Where(p => p.Value >= minCount && !specials.Contains(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);
        return new TokenVocabulary([.. specials, .. kept], UnknownId, PaddingId);
    }
}
