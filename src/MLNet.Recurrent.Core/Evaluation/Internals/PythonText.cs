using System.Globalization;
using System.Text;

namespace MLNet.Recurrent.Core.Evaluation.Internals;

/// <summary>
/// Python 3's <c>str.split()</c>, <c>str.rstrip()</c> and <c>str.lower()</c>, which sacreBLEU applies to every
/// segment, so scores agree with it on any text, not only ASCII.
/// </summary>
internal static class PythonText
{
    /// <summary>
    /// Python's <c>str.isspace</c>: .NET's white space plus U+001C..U+001F (the information separators, which
    /// Python counts as white space and .NET does not).
    /// </summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001c' && c <= '\u001f');

    /// <summary><c>s.split()</c>: the runs of non-space characters, in order.</summary>
    public static List<string> Split(string s)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpace(s[i])) i++;
            int start = i;
            while (i < s.Length && !IsSpace(s[i])) i++;
            if (i > start) parts.Add(s[start..i]);
        }
        return parts;
    }

    /// <summary><c>''.join(s.split())</c>: the string with every space character removed.</summary>
    public static string RemoveSpaces(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) if (!IsSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    /// <summary><c>s.rstrip()</c>.</summary>
    public static string RStrip(string s)
    {
        int end = s.Length;
        while (end > 0 && IsSpace(s[end - 1])) end--;
        return end == s.Length ? s : s[..end];
    }

    /// <summary>
    /// <c>s.lower()</c>: invariant lowercasing plus the two full mappings Python applies and .NET's simple mapping
    /// does not: U+0130 (capital I with dot) becomes "i" + U+0307, and a capital sigma ending a word becomes
    /// the final sigma U+03C2 (preceded by a cased letter, not followed by one; case-ignorable marks skipped).
    /// </summary>
    public static string Lower(string s)
    {
        string lower = s.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant();
        if (!s.Contains('\u03a3', StringComparison.Ordinal)) return lower;
        // Lowercasing keeps positions except for U+0130, so map sigmas through the original string.
        var chars = new StringBuilder(lower.Length);
        int shift = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = lower[i + shift];
            if (s[i] == '\u0130')
            {
                chars.Append(lower, i + shift, 2);
                shift++;
                continue;
            }
            chars.Append(s[i] == '\u03a3' && IsFinalSigma(s, i) ? '\u03c2' : c);
        }
        return chars.ToString();
    }

    private static bool IsFinalSigma(string s, int i)
    {
        int before = i - 1;
        while (before >= 0 && IsCaseIgnorable(s[before])) before--;
        if (before < 0 || !IsCased(s[before])) return false;
        int after = i + 1;
        while (after < s.Length && IsCaseIgnorable(s[after])) after++;
        return after >= s.Length || !IsCased(s[after]);
    }

    private static bool IsCased(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) => c is '\'' or '.' or ':' or '\u00b7' or '\u2018' or '\u2019' or '\u2024' or '\u2027'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
