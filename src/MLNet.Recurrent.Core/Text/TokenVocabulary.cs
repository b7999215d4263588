using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// A vocabulary of string tokens (words, sub-words, labels), compared ordinally. Every id in
/// [0, <see cref="Count"/>) names one token; tokens it does not hold encode to <see cref="UnknownId"/>, and an
/// optional <see cref="PaddingId"/> names the token that fills batches (pass it to
/// <c>Embedding</c> as its padding index).
/// </summary>
public sealed class TokenVocabulary
{
    /// <summary>The default unknown token, <c>&lt;unk&gt;</c>.</summary>
    public const string DefaultUnknownToken = "<unk>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Creates a vocabulary from its entries, e.g. those a serializer wrote from <see cref="Tokens"/>.</summary>
    /// <param name="tokens">The token of each id, id = index; none null, none twice.</param>
    /// <param name="unknownId">The id that unseen tokens encode to; in [0, tokens.Count).</param>
    /// <param name="paddingId">The id of the padding token, different from <paramref name="unknownId"/>; <see langword="null"/> for none.</param>
    public TokenVocabulary(IReadOnlyList<string> tokens, int unknownId, int? paddingId = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0) ThrowHelper.Argument(nameof(tokens), "empty", "it must hold at least the unknown token");
        if (tokens.Count > RecurrentLimits.MaxVocabularySize)
            ThrowHelper.OutOfRange(nameof(tokens), $"{tokens.Count} tokens", $"a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} (RecurrentLimits.MaxVocabularySize)");
        if ((uint)unknownId >= (uint)tokens.Count)
            ThrowHelper.OutOfRange(nameof(unknownId), unknownId, $"it must be in [0, {tokens.Count}) (the number of tokens)");
        if (paddingId is int p && ((uint)p >= (uint)tokens.Count || p == unknownId))
            ThrowHelper.OutOfRange(nameof(paddingId), p, $"it must be in [0, {tokens.Count}) (the number of tokens) and differ from unknownId {unknownId}");
        _tokens = [.. tokens];
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            string token = _tokens[id];
            if (token is null) ThrowHelper.Argument($"tokens[{id}]", null, "tokens must not be null");
            if (!_ids.TryAdd(token, id))
                ThrowHelper.Argument($"tokens[{id}]", token, $"it is already tokens[{_ids[token]}]; each token may appear once");
        }
        UnknownId = unknownId;
        PaddingId = paddingId;
    }

    /// <summary>
    /// Builds a vocabulary from a token stream. The padding token (if any) gets id 0, the unknown token the next
    /// id; the stream's tokens follow, most frequent first, ties broken by ordinal order, so the same stream
    /// always gives the same ids. With <paramref name="maxSize"/>, only the most frequent tokens are kept; without
    /// it, a stream with more distinct tokens than <see cref="RecurrentLimits.MaxVocabularySize"/> allows is refused
    /// (<see cref="InvalidOperationException"/>) as soon as the count passes the limit.
    /// </summary>
    /// <param name="tokens">The training tokens; none null.</param>
    /// <param name="maxSize">The largest <see cref="Count"/> allowed, special tokens included, at most <see cref="RecurrentLimits.MaxVocabularySize"/>; <see langword="null"/> to keep every token (up to that limit).</param>
    /// <param name="unknownToken">The token stored at the unknown id.</param>
    /// <param name="paddingToken">The token stored at the padding id, or <see langword="null"/> for no padding id.</param>
    public static TokenVocabulary Build(IEnumerable<string> tokens, int? maxSize = null, string unknownToken = DefaultUnknownToken, string? paddingToken = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(unknownToken);
        if (paddingToken == unknownToken) ThrowHelper.Argument(nameof(paddingToken), paddingToken, "it must differ from 'unknownToken'");
        int specials = paddingToken is null ? 1 : 2;
        if (maxSize is int m && m < specials)
            ThrowHelper.OutOfRange(nameof(maxSize), m, $"it must be at least {specials} (the special tokens)");
        if (maxSize is int big) ThrowHelper.ThrowIfAboveLimit(big, RecurrentLimits.MaxVocabularySize, nameof(maxSize), "RecurrentLimits.MaxVocabularySize");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        int index = 0;
        foreach (string token in tokens)
        {
            if (token is null) ThrowHelper.Argument($"tokens[{index}]", null, "tokens must not be null");
            if (token != unknownToken && token != paddingToken)
            {
                if (counts.TryGetValue(token, out long seen)) counts[token] = seen + 1;
                else
                {
                    // Refuse before the vocabulary grows past the limit, not after building it.
                    if (maxSize is null && counts.Count + specials >= RecurrentLimits.MaxVocabularySize)
                        ThrowHelper.InvalidOperation($"The tokens hold more than {RecurrentLimits.MaxVocabularySize - specials} distinct tokens (token {index}, \"{token}\", is one more); " +
                            $"a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} ids, special tokens included (RecurrentLimits.MaxVocabularySize); " +
                            "set a maximum size to keep only the most frequent tokens.");
                    counts[token] = 1;
                }
            }
            index++;
        }
        var ranked = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);
        if (maxSize is int limit) ranked = ranked.Take(limit - specials);
        return paddingToken is null
            ? new TokenVocabulary([unknownToken, .. ranked], unknownId: 0)
            : new TokenVocabulary([paddingToken, unknownToken, .. ranked], unknownId: 1, paddingId: 0);
    }

    /// <summary>The number of ids, V, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>The id that tokens outside the vocabulary encode to.</summary>
    public int UnknownId { get; }

    /// <summary>The id of the padding token, or <see langword="null"/> when there is none.</summary>
    public int? PaddingId { get; }

    /// <summary>The token of each id (id = index), special tokens included: the entries a serializer writes.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The token of an id.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    public string this[int id]
    {
        get
        {
            CheckId(id, nameof(id));
            return _tokens[id];
        }
    }

    /// <summary>Whether the vocabulary holds <paramref name="token"/> (special tokens count).</summary>
    public bool Contains(string token) => _ids.ContainsKey(token);

    /// <summary>The id of a token, or <see cref="UnknownId"/> when the vocabulary does not hold it.</summary>
    public int GetId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.GetValueOrDefault(token, UnknownId);
    }

    /// <summary>Encodes tokens as ids.</summary>
    /// <param name="tokens">The tokens [T]; none null.</param>
    /// <returns>The ids [T].</returns>
    public int[] Encode(ReadOnlySpan<string> tokens)
    {
        var ids = new int[tokens.Length];
        Encode(tokens, ids);
        return ids;
    }

    /// <summary>Encodes tokens into <paramref name="ids"/> without allocating.</summary>
    /// <param name="tokens">The tokens [T]; none null.</param>
    /// <param name="ids">Receives the ids [T]; at least as long as <paramref name="tokens"/>.</param>
    public void Encode(ReadOnlySpan<string> tokens, Span<int> ids)
    {
        ThrowHelper.ThrowIfTooShort(ids.Length, tokens.Length, nameof(ids));
        for (int t = 0; t < tokens.Length; t++)
        {
            if (tokens[t] is null) ThrowHelper.Argument($"tokens[{t}]", null, "tokens must not be null");
            ids[t] = _ids.GetValueOrDefault(tokens[t], UnknownId);
        }
    }

    /// <summary>Turns ids back into tokens.</summary>
    /// <param name="ids">Ids [T], each in [0, <see cref="Count"/>).</param>
    /// <returns>The tokens [T].</returns>
    public string[] Decode(ReadOnlySpan<int> ids)
    {
        var tokens = new string[ids.Length];
        for (int t = 0; t < ids.Length; t++)
        {
            CheckId(ids[t], $"ids[{t}]");
            tokens[t] = _tokens[ids[t]];
        }
        return tokens;
    }

    private void CheckId(int id, string name)
    {
        if ((uint)id >= (uint)_tokens.Length) ThrowHelper.OutOfRange(name, id, $"it must be in [0, {_tokens.Length}) (the vocabulary size)");
    }
}
