namespace MLNet.Recurrent.Core.Text;

/// <summary>How <see cref="TextTokenizer"/> cuts text into tokens.</summary>
public enum TokenizerMode
{
    /// <summary>
    /// Words: the regular expression <c>\w+|[^\w\s]</c> (runs of letters, digits and underscores are words; every
    /// other non-space character is a token of its own, so punctuation is kept), joined back with single spaces.
    /// </summary>
    Word,

    /// <summary>Characters: every Unicode scalar value is a token (spaces included), joined back with nothing.</summary>
    Character,
}
