using System.Text.RegularExpressions;

namespace MLNet.Recurrent.Core.Evaluation.Internals;

/// <summary>
/// The mteval-v13a tokenization of sacreBLEU's <c>Tokenizer13a</c> (its default for BLEU): drop
/// <c>&lt;skipped&gt;</c>, join lines, unescape four XML entities, then split punctuation off words with four
/// regular expressions and normalise spaces.
/// </summary>
internal static partial class Tokenizer13a
{
    /// <summary>Tokenizes one segment; the tokens come back separated by single spaces.</summary>
    public static string Tokenize(string line)
    {
        line = line.Replace("<skipped>", "", StringComparison.Ordinal)
                   .Replace("-\n", "", StringComparison.Ordinal)
                   .Replace("\n", " ", StringComparison.Ordinal);
        if (line.Contains('&', StringComparison.Ordinal))
        {
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal)
                       .Replace("&amp;", "&", StringComparison.Ordinal)
                       .Replace("&lt;", "<", StringComparison.Ordinal)
                       .Replace("&gt;", ">", StringComparison.Ordinal);
        }
        line = $" {line} ";
        line = Punctuation().Replace(line, " $1 ");
        line = PeriodCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', PythonText.Split(line));
    }

    // Most ASCII punctuation: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])", RegexOptions.CultureInvariant)]
    private static partial Regex Punctuation();

    // A period or comma unless preceded by a digit.
    [GeneratedRegex(@"([^0-9])([\.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaAfterNonDigit();

    // A period or comma unless followed by a digit.
    [GeneratedRegex(@"([\.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaBeforeNonDigit();

    // A dash after a digit.
    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
