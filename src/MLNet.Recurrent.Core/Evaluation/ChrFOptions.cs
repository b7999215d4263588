using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>chrF's options; the defaults are sacreBLEU 2.x's <c>CHRF()</c>, chrF2 (signature <c>nrefs:N|case:mixed|eff:yes|nc:6|nw:0|space:no</c>).</summary>
public sealed record ChrFOptions
{
    /// <summary>The largest character n-gram order; default 6.</summary>
    public int CharOrder { get; init; } = 6;

    /// <summary>Recall is weighted beta times as much as precision; default 2 (chrF2).</summary>
    public double Beta { get; init; } = 2;

    /// <summary>Whether spaces stay in the character n-grams; default false (every white-space character is removed first).</summary>
    public bool Whitespace { get; init; }

    /// <summary>
    /// Whether the score is the mean over all orders of each order's F-beta (chrF++.py and NLTK's way, 1e-16 for an
    /// empty order) instead of the F-beta of the precision and recall averaged over the orders present (default false).
    /// </summary>
    public bool EpsSmoothing { get; init; }

    /// <summary>Whether hypotheses and references are lowercased (Python's <c>str.lower</c>) first; default false.</summary>
    public bool Lowercase { get; init; }

    internal void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(CharOrder, nameof(CharOrder));
        if (!(Beta > 0) || double.IsInfinity(Beta)) ThrowHelper.OutOfRange(nameof(Beta), Beta, "it must be a finite positive number");
    }
}
