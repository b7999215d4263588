using System.Globalization;
using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// Writes the familiar figure of Karpathy, Johnson &amp; Fei-Fei (2016): the text with each character's background
/// coloured by one unit's activation after reading it, blue (−1) through white (0) to red (+1), linearly per
/// channel. One self-contained HTML file (inline CSS, no scripts or external resources), UTF-8, with a title, a
/// caption with the colour legend, and one block per unit (its label, then the text). Every rune is one
/// <c>&lt;span&gt;</c> whose <c>title</c> holds the exact value; newlines are kept (a '\n' span shows a faint ↵ so its
/// colour is visible), text and labels are HTML-escaped, and control characters other than tab and newline are
/// drawn as their Unicode control pictures (U+2400 block) because HTML cannot carry them.
/// </summary>
public static class ActivationHtml
{
    private const string Style =
        "body{font-family:sans-serif;margin:2em;color:#222}" +
        "p.caption span{font-family:monospace;padding:0 .4em;border:1px solid #ccc}" +
        "pre.trace{font-family:monospace;font-size:14px;line-height:1.45;white-space:pre-wrap;word-break:break-all;border:1px solid #ddd;padding:.5em;margin:0 0 1.5em}" +
        "pre.trace span.nl::before{content:\"\\21B5\";color:#aaa}" +
        "h2{font-size:1em;margin:.5em 0}";

    /// <summary>Writes the page for a text and any number of unit blocks. Everything is checked before anything is written.</summary>
    /// <param name="writer">Receives the HTML (declare it UTF-8 when it is a file).</param>
    /// <param name="text">The text, one rune per character position.</param>
    /// <param name="blocks">The units to show, top to bottom; each holds one value per rune of <paramref name="text"/>.</param>
    /// <param name="title">The page title and heading.</param>
    /// <param name="scale">The activation drawn at full colour; |value| ≥ scale saturates (e.g. 1 for h, larger for an LSTM's unbounded c). Positive and finite.</param>
    public static void Write(TextWriter writer, ReadOnlySpan<Rune> text, IEnumerable<ActivationBlock> blocks, string title, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(title);
        if (!(scale > 0) || double.IsInfinity(scale)) ThrowHelper.OutOfRange(nameof(scale), scale, "it must be positive and finite");
        ActivationBlock[] list = [.. blocks];
        if (list.Length == 0) ThrowHelper.Argument(nameof(blocks), "empty", "it must hold at least one block");
        for (int b = 0; b < list.Length; b++)
        {
            if (list[b] is null) ThrowHelper.Argument($"{nameof(blocks)}[{b}]", null, "it must be a block");
            list[b].Validate($"{nameof(blocks)}[{b}]", text.Length);
        }

        string scaleText = scale.ToString("0.###", CultureInfo.InvariantCulture);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        WriteEscaped(writer, title);
        writer.Write($"</title>\n<style>{Style}</style>\n</head>\n<body>\n<h1>");
        WriteEscaped(writer, title);
        writer.Write("</h1>\n<p class=\"caption\">Each character's background is the unit's activation after reading it: ");
        writer.Write($"<span style=\"background:{Color(-1)}\">-{scaleText}</span> <span style=\"background:{Color(0)}\">0</span> ");
        writer.Write($"<span style=\"background:{Color(1)}\">+{scaleText}</span>; larger magnitudes saturate. Hover a character for its value.</p>\n");
        foreach (ActivationBlock block in list)
        {
            writer.Write("<section>\n<h2>");
            WriteEscaped(writer, block.Label);
            writer.Write("</h2>\n<pre class=\"trace\">");
            for (int t = 0; t < text.Length; t++)
            {
                float value = block.Values[t];
                string cls = text[t].Value == '\n' ? " class=\"nl\"" : "";
                writer.Write($"<span{cls} style=\"background:{Color(value / scale)}\" title=\"");
                writer.Write(value.ToString("0.000", CultureInfo.InvariantCulture));
                writer.Write("\">");
                WriteRune(writer, text[t]);
                writer.Write("</span>");
            }
            writer.Write("</pre>\n</section>\n");
        }
        writer.Write("</body>\n</html>\n");
    }

    /// <summary>Writes the page for units ranked by <see cref="CellRanking.FindCells"/>, each labelled with <see cref="CellMatch.Label"/>.</summary>
    /// <param name="writer">Receives the HTML.</param>
    /// <param name="trace">The trace the units were ranked on; gives the text and the series.</param>
    /// <param name="cells">The units to show, top to bottom.</param>
    /// <param name="title">The page title and heading.</param>
    /// <param name="scale">The activation drawn at full colour; see <see cref="Write(TextWriter, ReadOnlySpan{Rune}, IEnumerable{ActivationBlock}, string, double)"/>.</param>
    public static void Write(TextWriter writer, ActivationTrace trace, IEnumerable<CellMatch> cells, string title, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(cells);
        Write(writer, trace.Text, [.. cells.Select(c => ActivationBlock.From(trace, c))], title, scale);
    }

    /// <summary>The page for a text and unit blocks, as a string (see <see cref="Write(TextWriter, ReadOnlySpan{Rune}, IEnumerable{ActivationBlock}, string, double)"/>).</summary>
    /// <param name="text">The text, one rune per character position.</param>
    /// <param name="blocks">The units to show, top to bottom.</param>
    /// <param name="title">The page title and heading.</param>
    /// <param name="scale">The activation drawn at full colour.</param>
    public static string ToHtml(ReadOnlySpan<Rune> text, IEnumerable<ActivationBlock> blocks, string title, double scale = 1)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, text, blocks, title, scale);
        return writer.ToString();
    }

    /// <summary>The page for ranked units, as a string (see <see cref="Write(TextWriter, ActivationTrace, IEnumerable{CellMatch}, string, double)"/>).</summary>
    /// <param name="trace">The trace the units were ranked on.</param>
    /// <param name="cells">The units to show, top to bottom.</param>
    /// <param name="title">The page title and heading.</param>
    /// <param name="scale">The activation drawn at full colour.</param>
    public static string ToHtml(ActivationTrace trace, IEnumerable<CellMatch> cells, string title, double scale = 1)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, trace, cells, title, scale);
        return writer.ToString();
    }

    /// <summary>
    /// The background of a scaled activation v, clamped to [-1, 1]: #RRGGBB with, for v &lt; 0, R = G = round(255·(1 + v)),
    /// B = 255 (blue at −1); for v ≥ 0, R = 255, G = B = round(255·(1 − v)) (red at +1); halves round away from zero.
    /// </summary>
    internal static string Color(double v)
    {
        v = Math.Clamp(v, -1, 1);
        int fade = (int)Math.Round(255 * (1 - Math.Abs(v)), MidpointRounding.AwayFromZero);
        return v < 0 ? $"#{fade:x2}{fade:x2}ff" : $"#ff{fade:x2}{fade:x2}";
    }

    private static void WriteRune(TextWriter writer, Rune rune)
    {
        int c = rune.Value;
        switch (c)
        {
            case '\n' or '\t': writer.Write((char)c); break;
            case < 0x20: writer.Write((char)(0x2400 + c)); break; // control pictures: ␀ … ␟
            case 0x7F: writer.Write('\u2421'); break;              // ␡
            default:
                if (rune.IsBmp) WriteEscaped(writer, (char)c);
                else writer.Write(rune.ToString());
                break;
        }
    }

    private static void WriteEscaped(TextWriter writer, string s)
    {
        foreach (char ch in s) WriteEscaped(writer, ch);
    }

    private static void WriteEscaped(TextWriter writer, char ch)
    {
        switch (ch)
        {
            case '&': writer.Write("&amp;"); break;
            case '<': writer.Write("&lt;"); break;
            case '>': writer.Write("&gt;"); break;
            case '"': writer.Write("&quot;"); break;
            case '\'': writer.Write("&#39;"); break;
            default: writer.Write(ch); break;
        }
    }
}
