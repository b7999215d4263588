using System.Text;
using System.Text.RegularExpressions;

namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// The translator's tokenizer, the reference script's rule: lower-case (invariant culture, as Python's
/// <c>str.lower</c> for the scripts the data use), then <c>\w+|[^\w\s]</c> for words, so <c>"God's"</c> gives
/// <c>god ' s</c> and <c>"¿Quién"</c> gives <c>¿ quién</c>; or one token per character.
/// </summary>
public sealed partial class TextTokenizer
{
    /// <summary>Creates a tokenizer.</summary>
    /// <param name="mode">Words or characters.</param>
    /// <param name="lowercase">Whether to lower-case first.</param>
    public TextTokenizer(TokenizerMode mode = TokenizerMode.Word, bool lowercase = true)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), $"'{nameof(mode)}' was {mode}; it must be Word or Character.");
        Mode = mode;
        Lowercase = lowercase;
    }

    /// <summary>Words or characters.</summary>
    public TokenizerMode Mode { get; }

    /// <summary>Whether text is lower-cased before it is cut.</summary>
    public bool Lowercase { get; }

    /// <summary>The separator <see cref="Join"/> puts between tokens: a space for words, nothing for characters.</summary>
    public string Separator => Mode == TokenizerMode.Word ? " " : "";

    /// <summary>Cuts <paramref name="text"/> into tokens.</summary>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Lowercase) text = text.ToLowerInvariant();
        if (Mode == TokenizerMode.Word)
        {
            var matches = WordPattern().Matches(text);
            var tokens = new string[matches.Count];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = matches[i].Value;
            return tokens;
        }
        var chars = new List<string>(text.Length);
        foreach (Rune rune in text.EnumerateRunes()) chars.Add(rune.ToString());
        return [.. chars];
    }

    /// <summary>Joins tokens back into text with <see cref="Separator"/>.</summary>
    public string Join(IEnumerable<string> tokens) => string.Join(Separator, tokens);

    [GeneratedRegex(@"\w+|[^\w\s]", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
