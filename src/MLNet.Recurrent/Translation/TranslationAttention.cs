using MLNet.Recurrent.Core.Interpretability;

namespace MLNet.Recurrent.Translation;

/// <summary>The attention of one greedy translation: source tokens across, output tokens (and the end symbol) down.</summary>
/// <param name="SourceTokens">The S source tokens as the model read them (after tokenizing and any cut).</param>
/// <param name="OutputTokens">The output tokens, then <c>&lt;/s&gt;</c> when the translation ended.</param>
/// <param name="Weights">[T][S]: the attention over the source when each output token was written.</param>
public sealed record TranslationAttention(IReadOnlyList<string> SourceTokens, IReadOnlyList<string> OutputTokens, IReadOnlyList<float[]> Weights)
{
    /// <summary>The heat map as a self-contained HTML page.</summary>
    /// <param name="title">The page's title.</param>
    public string ToHtml(string title = "Attention")
    {
        using var writer = new StringWriter();
        AttentionHeatMap.Write(writer, SourceTokens, OutputTokens, Weights, title);
        return writer.ToString();
    }
}
