using System.Text;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// The built-in feature detectors of Karpathy, Johnson &amp; Fei-Fei (2016), "Visualizing and Understanding
/// Recurrent Networks". Each gives one value per rune; where a feature is a state of the text (inside quotes,
/// inside parentheses) its value at rune t is the state AFTER reading rune t, matching the activations of an
/// <see cref="ActivationTrace"/>, which are the states after each rune. A line ends at '\n' only ('\r' is an
/// ordinary rune). All are deterministic and depend on nothing but the text.
/// </summary>
public static class CellDetectors
{
    private const int LeftDoubleQuote = 0x201C, RightDoubleQuote = 0x201D;

    /// <summary>
    /// "inside quotes": 1 when a double quotation is open after reading rune t, else 0. A straight '"' toggles the
    /// state; a curly '“' (U+201C) opens it and '”' (U+201D) closes it (an unmatched '”' leaves it closed; '“'
    /// while open leaves it open). So the opening mark reads 1 and the closing mark 0. Quotations do not nest and
    /// newlines do not close them (dialogue spans paragraphs); single quotes are ignored (they double as apostrophes).
    /// </summary>
    public static CellDetector InsideQuotes { get; } = new("inside quotes", static (text, values) =>
    {
        bool open = false;
        for (int t = 0; t < text.Length; t++)
        {
            int c = text[t].Value;
            if (c == '"') open = !open;
            else if (c == LeftDoubleQuote) open = true;
            else if (c == RightDoubleQuote) open = false;
            values[t] = open ? 1 : 0;
        }
    });

    /// <summary>
    /// "parenthesis depth": the number of '(' open after reading rune t. '(' adds one, ')' removes one; a ')'
    /// with none open is ignored (the depth never goes below 0). So "(a(b))" gives 1, 1, 2, 2, 1, 0.
    /// </summary>
    public static CellDetector ParenthesisDepth { get; } = new("parenthesis depth", static (text, values) => Depth(text, values));

    /// <summary>"inside parentheses": 1 when <see cref="ParenthesisDepth"/> &gt; 0 after reading rune t, else 0.</summary>
    public static CellDetector InsideParentheses { get; } = new("inside parentheses", static (text, values) =>
    {
        Depth(text, values);
        for (int t = 0; t < values.Length; t++) values[t] = values[t] > 0 ? 1 : 0;
    });

    /// <summary>
    /// "line position": the raw zero-based column of rune t, i.e. the number of runes since the last '\n' before
    /// t (or since the start). A '\n' belongs to the line it ends, so "ab\ncd" gives 0, 1, 2, 0, 1.
    /// </summary>
    public static CellDetector LinePosition { get; } = new("line position", static (text, values) =>
    {
        int column = 0;
        for (int t = 0; t < text.Length; t++)
        {
            values[t] = column;
            column = text[t].Value == '\n' ? 0 : column + 1;
        }
    });

    /// <summary>
    /// "line fraction": <see cref="LinePosition"/> normalized by the line, column / (M − 1), where M counts the
    /// runes of the line including its terminating '\n' (if any): 0 at a line's first rune, 1 at its last; 0 for
    /// a line of one rune. So "ab\ncd" gives 0, 0.5, 1, 0, 1. It looks ahead (to the line's end), unlike the network.
    /// </summary>
    public static CellDetector LineFraction { get; } = new("line fraction", static (text, values) =>
    {
        int start = 0;
        for (int t = 0; t <= text.Length; t++)
        {
            bool lineEnds = t == text.Length || text[t].Value == '\n';
            if (!lineEnds) continue;
            int last = Math.Min(t, text.Length - 1); // the line is [start, last]
            int span = last - start;
            for (int i = start; i <= last; i++) values[i] = span == 0 ? 0 : (double)(i - start) / span;
            start = t + 1;
        }
    });

    /// <summary>"word start": 1 when rune t is a letter and the rune before it (if any) is not, else 0.</summary>
    public static CellDetector WordStart { get; } = new("word start", static (text, values) =>
    {
        for (int t = 0; t < text.Length; t++)
            values[t] = Rune.IsLetter(text[t]) && (t == 0 || !Rune.IsLetter(text[t - 1])) ? 1 : 0;
    });

    /// <summary>"inside word": 1 when rune t is a letter (<see cref="Rune.IsLetter(Rune)"/>, any script), else 0.</summary>
    public static CellDetector InsideWord { get; } = new("inside word", static (text, values) =>
    {
        for (int t = 0; t < text.Length; t++) values[t] = Rune.IsLetter(text[t]) ? 1 : 0;
    });

    /// <summary>"after newline": 1 when the rune before t is '\n' (the first rune of every line but the first), else 0.</summary>
    public static CellDetector AfterNewline { get; } = new("after newline", static (text, values) =>
    {
        for (int t = 1; t < text.Length; t++) values[t] = text[t - 1].Value == '\n' ? 1 : 0;
    });

    /// <summary>"vowel": 1 when rune t is one of the ASCII vowels a, e, i, o, u in either case (not y, not accented), else 0.</summary>
    public static CellDetector Vowel { get; } = new("vowel", static (text, values) =>
    {
        for (int t = 0; t < text.Length; t++) values[t] = text[t].Value is 'a' or 'e' or 'i' or 'o' or 'u' or 'A' or 'E' or 'I' or 'O' or 'U' ? 1 : 0;
    });

    /// <summary>"uppercase": 1 when rune t is an uppercase letter (<see cref="Rune.IsUpper(Rune)"/>), else 0.</summary>
    public static CellDetector Uppercase { get; } = new("uppercase", static (text, values) =>
    {
        for (int t = 0; t < text.Length; t++) values[t] = Rune.IsUpper(text[t]) ? 1 : 0;
    });

    /// <summary>Every built-in detector, in the order documented above (the default set of <see cref="CellRanking.FindCells"/>).</summary>
    public static IReadOnlyList<CellDetector> All { get; } =
        [InsideQuotes, ParenthesisDepth, InsideParentheses, LinePosition, LineFraction, WordStart, InsideWord, AfterNewline, Vowel, Uppercase];

    private static void Depth(ReadOnlySpan<Rune> text, Span<double> values)
    {
        int depth = 0;
        for (int t = 0; t < text.Length; t++)
        {
            int c = text[t].Value;
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            values[t] = depth;
        }
    }
}
