using System.Buffers;
using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// A vocabulary of Unicode code points (<see cref="Rune"/>s) for character models: a surrogate pair is one
/// symbol and is never split. Every id in [0, <see cref="Count"/>) names one rune; the rune at
/// <see cref="UnknownId"/> stands for every rune the vocabulary does not hold (by default U+FFFD, the
/// replacement character, which is also what a lone surrogate in the text reads as).
/// </summary>
public sealed class CharVocabulary
{
    /// <summary>The default stand-in for unseen runes: U+FFFD REPLACEMENT CHARACTER.</summary>
    public static readonly Rune DefaultUnknownSymbol = Rune.ReplacementChar;

    private const int AsciiLimit = 128;
    private readonly Rune[] _symbols;
    private readonly Dictionary<Rune, int> _ids;
    private readonly int[] _ascii = new int[AsciiLimit];

    /// <summary>Creates a vocabulary from its entries, e.g. those a serializer wrote from <see cref="Symbols"/>.</summary>
    /// <param name="symbols">The rune of each id, id = index; no rune may appear twice.</param>
    /// <param name="unknownId">The id that unseen runes encode to; in [0, symbols.Count).</param>
    public CharVocabulary(IReadOnlyList<Rune> symbols, int unknownId = 0)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count == 0) ThrowHelper.Argument(nameof(symbols), "empty", "it must hold at least the unknown symbol");
        if (symbols.Count > RecurrentLimits.MaxVocabularySize)
            ThrowHelper.OutOfRange(nameof(symbols), $"{symbols.Count} symbols", $"a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} (RecurrentLimits.MaxVocabularySize)");
        if ((uint)unknownId >= (uint)symbols.Count)
            ThrowHelper.OutOfRange(nameof(unknownId), unknownId, $"it must be in [0, {symbols.Count}) (the number of symbols)");
        _symbols = [.. symbols];
        _ids = new Dictionary<Rune, int>(_symbols.Length);
        _ascii.AsSpan().Fill(unknownId);
        for (int id = 0; id < _symbols.Length; id++)
        {
            Rune r = _symbols[id];
            if (!_ids.TryAdd(r, id))
                ThrowHelper.Argument($"symbols[{id}]", Describe(r), $"it is already symbols[{_ids[r]}]; each rune may appear once");
            if (r.Value < AsciiLimit) _ascii[r.Value] = id;
        }
        UnknownId = unknownId;
    }

    /// <summary>
    /// Builds a vocabulary from text. Id <see cref="UnknownId"/> = 0 is <paramref name="unknownSymbol"/>; the
    /// other ids go to the text's runes, most frequent first, ties broken by smaller code point, so the same
    /// text always gives the same ids. With <paramref name="maxSize"/>, only the most frequent runes are kept;
    /// without it, text with more distinct runes than <see cref="RecurrentLimits.MaxVocabularySize"/> allows is
    /// refused (<see cref="InvalidOperationException"/>) as soon as the count passes the limit.
    /// </summary>
    /// <param name="text">The training text; lone surrogates read as U+FFFD.</param>
    /// <param name="maxSize">The largest <see cref="Count"/> allowed, the unknown symbol included; 1 to <see cref="RecurrentLimits.MaxVocabularySize"/>; <see langword="null"/> to keep every rune (up to that limit).</param>
    /// <param name="unknownSymbol">The rune stored at the unknown id; <see langword="null"/> for <see cref="DefaultUnknownSymbol"/>.</param>
    public static CharVocabulary Build(string text, int? maxSize = null, Rune? unknownSymbol = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Build([text], maxSize, unknownSymbol);
    }

    /// <summary>Builds a vocabulary from several texts, counting runes over all of them (see <see cref="Build(string, int?, Rune?)"/>).</summary>
    /// <param name="texts">The training texts; lone surrogates read as U+FFFD.</param>
    /// <param name="maxSize">The largest <see cref="Count"/> allowed, the unknown symbol included; 1 to <see cref="RecurrentLimits.MaxVocabularySize"/>; <see langword="null"/> to keep every rune (up to that limit).</param>
    /// <param name="unknownSymbol">The rune stored at the unknown id; <see langword="null"/> for <see cref="DefaultUnknownSymbol"/>.</param>
    public static CharVocabulary Build(IEnumerable<string> texts, int? maxSize = null, Rune? unknownSymbol = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxSize is int m)
        {
            ThrowHelper.ThrowIfNotPositive(m, nameof(maxSize));
            ThrowHelper.ThrowIfAboveLimit(m, RecurrentLimits.MaxVocabularySize, nameof(maxSize), "RecurrentLimits.MaxVocabularySize");
        }
        Rune unknown = unknownSymbol ?? DefaultUnknownSymbol;
        var counts = new Dictionary<Rune, long>();
        int index = 0;
        foreach (string text in texts)
        {
            if (text is null) ThrowHelper.Argument($"texts[{index}]", null, "texts must not be null");
            foreach (Rune r in text.EnumerateRunes())
            {
                if (r == unknown) continue;
                if (counts.TryGetValue(r, out long seen)) counts[r] = seen + 1;
                else
                {
                    // Refuse before the vocabulary grows past the limit, not after building it.
                    if (maxSize is null && counts.Count + 1 >= RecurrentLimits.MaxVocabularySize)
                        ThrowHelper.InvalidOperation($"The text holds more than {RecurrentLimits.MaxVocabularySize - 1} distinct characters (text {index}, {Describe(r)} is one more); " +
                            $"a character vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} ids, the unknown symbol included " +
                            "(RecurrentLimits.MaxVocabularySize); set a maximum vocabulary size to keep only the most frequent characters.");
                    counts[r] = 1;
                }
            }
            index++;
        }
        var ranked = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Value).Select(p => p.Key);
        if (maxSize is int limit) ranked = ranked.Take(limit - 1);
        return new CharVocabulary([unknown, .. ranked], 0);
    }

    /// <summary>The number of ids, V, the unknown id included.</summary>
    public int Count => _symbols.Length;

    /// <summary>The id that runes outside the vocabulary encode to.</summary>
    public int UnknownId { get; }

    /// <summary>The rune of each id (id = index), the unknown symbol included: the entries a serializer writes.</summary>
    public IReadOnlyList<Rune> Symbols => _symbols;

    /// <summary>The rune of an id.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    public Rune this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_symbols.Length) ThrowHelper.OutOfRange(nameof(id), id, $"it must be in [0, {_symbols.Length}) (the vocabulary size)");
            return _symbols[id];
        }
    }

    /// <summary>Whether the vocabulary holds <paramref name="symbol"/> (the unknown symbol counts).</summary>
    public bool Contains(Rune symbol) => _ids.ContainsKey(symbol);

    /// <summary>The id of a rune, or <see cref="UnknownId"/> when the vocabulary does not hold it.</summary>
    public int GetId(Rune symbol) => symbol.Value < AsciiLimit ? _ascii[symbol.Value] : _ids.GetValueOrDefault(symbol, UnknownId);

    /// <summary>Encodes text as one id per rune.</summary>
    /// <param name="text">The text; a surrogate pair becomes one id, a lone surrogate reads as U+FFFD.</param>
    /// <returns>The ids [T], one per rune.</returns>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] rented = ArrayPool<int>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            int written = Encode(text, rented);
            return rented.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Encodes text into <paramref name="ids"/> without allocating.</summary>
    /// <param name="text">The text; a surrogate pair becomes one id, a lone surrogate reads as U+FFFD.</param>
    /// <param name="ids">Receives one id per rune; <c>text.Length</c> elements always suffice.</param>
    /// <returns>The number of ids written, T.</returns>
    public int Encode(ReadOnlySpan<char> text, Span<int> ids)
    {
        int written = 0;
        while (!text.IsEmpty)
        {
            Rune.DecodeFromUtf16(text, out Rune r, out int consumed);
            if (written == ids.Length)
                ThrowHelper.Argument(nameof(ids), $"length {ids.Length}", "it is too short for the text's runes");
            ids[written++] = GetId(r);
            text = text[consumed..];
        }
        return written;
    }

    /// <summary>Turns ids back into text; the unknown id decodes to the unknown symbol.</summary>
    /// <param name="ids">Ids [T], each in [0, <see cref="Count"/>).</param>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var builder = new StringBuilder(ids.Length);
        Span<char> buffer = stackalloc char[2];
        for (int t = 0; t < ids.Length; t++)
        {
            if ((uint)ids[t] >= (uint)_symbols.Length)
                ThrowHelper.OutOfRange($"ids[{t}]", ids[t], $"it must be in [0, {_symbols.Length}) (the vocabulary size)");
            int n = _symbols[ids[t]].EncodeToUtf16(buffer);
            builder.Append(buffer[..n]);
        }
        return builder.ToString();
    }

    private static string Describe(Rune r) => $"U+{r.Value:X4}";
}
