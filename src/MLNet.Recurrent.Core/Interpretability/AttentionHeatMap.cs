using System.Globalization;
using System.Net;
using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// The attention of one translation as a matrix and as the familiar heat map (Bahdanau et al. 2015, figure 3):
/// source tokens across, output tokens down, each cell shaded from white (0) to black (1) by the weight the decoder
/// gave that source token when it wrote that output token. One self-contained HTML file (inline CSS, no scripts),
/// every cell's <c>title</c> holding the exact weight, tokens HTML-escaped.
/// </summary>
public static class AttentionHeatMap
{
    /// <summary>Writes the heat map. Everything is checked before anything is written.</summary>
    /// <param name="writer">Receives the HTML (declare it UTF-8 when it is a file).</param>
    /// <param name="sourceTokens">The S source tokens (columns).</param>
    /// <param name="outputTokens">The T output tokens (rows), the end symbol included if it was attended.</param>
    /// <param name="weights">[T][S] attention weights, each in [0, 1].</param>
    /// <param name="title">The page title and heading.</param>
    public static void Write(TextWriter writer, IReadOnlyList<string> sourceTokens, IReadOnlyList<string> outputTokens, IReadOnlyList<float[]> weights, string title)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(sourceTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(title);
        if (weights.Count != outputTokens.Count)
            ThrowHelper.Argument(nameof(weights), $"{weights.Count} rows", $"there must be one per output token ({outputTokens.Count})");
        for (int t = 0; t < weights.Count; t++)
        {
            if (weights[t] is null || weights[t].Length != sourceTokens.Count)
                ThrowHelper.Argument($"weights[{t}]", weights[t] is null ? null : $"{weights[t].Length} values", $"each row holds one weight per source token ({sourceTokens.Count})");
            for (int j = 0; j < weights[t].Length; j++)
                if (!(weights[t][j] >= 0f && weights[t][j] <= 1.0001f)) ThrowHelper.OutOfRange($"weights[{t}][{j}]", weights[t][j], "attention weights are in [0, 1]");
        }
        var html = new StringBuilder();
        string e(string s) => WebUtility.HtmlEncode(s);
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(e(title)).Append("</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td{width:2.2em;height:1.6em;border:1px solid #eee}")
            .Append("th{font-weight:normal;font-family:monospace;padding:0 .3em}th.src{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left}")
            .Append("th.out{text-align:right}</style></head><body>\n<h1>").Append(e(title)).Append("</h1>\n")
            .Append("<p>Rows: output tokens; columns: source tokens; darker = more attention (white 0, black 1). Hover a cell for its weight.</p>\n<table><tr><th></th>");
        foreach (string s in sourceTokens) html.Append("<th class=\"src\">").Append(e(s)).Append("</th>");
        html.Append("</tr>\n");
        for (int t = 0; t < outputTokens.Count; t++)
        {
            html.Append("<tr><th class=\"out\">").Append(e(outputTokens[t])).Append("</th>");
            foreach (float w in weights[t])
            {
                int level = (int)Math.Round(255 * (1 - Math.Clamp(w, 0f, 1f)));
                html.Append(CultureInfo.InvariantCulture, $"<td style=\"background:rgb({level},{level},{level})\" title=\"{w:0.0000}\"></td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</body></html>\n");
        writer.Write(html.ToString());
    }
}
