using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>BLEU's options; the defaults are sacreBLEU 2.x's <c>BLEU()</c> (signature <c>nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp</c>).</summary>
public sealed record BleuOptions
{
    /// <summary>The word splitting; default mteval-v13a.</summary>
    public BleuTokenization Tokenization { get; init; } = BleuTokenization.Mteval13a;

    /// <summary>Whether hypotheses and references are lowercased (Python's <c>str.lower</c>) first; default false.</summary>
    public bool Lowercase { get; init; }

    /// <summary>What an n-gram order without matches contributes; default <see cref="BleuSmoothing.Exp"/>.</summary>
    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.Exp;

    /// <summary>The value of floor and add-k smoothing; <see langword="null"/> for sacreBLEU's defaults (floor 0.1, add-k 1).</summary>
    public double? SmoothValue { get; init; }

    /// <summary>The largest n-gram order; default 4.</summary>
    public int MaxNgramOrder { get; init; } = 4;

    /// <summary>
    /// Whether orders with no n-gram at all in the hypothesis are left out of the geometric mean (sacreBLEU's
    /// <c>effective_order</c>; default false for corpus BLEU, what sentence BLEU uses).
    /// </summary>
    public bool EffectiveOrder { get; init; }

    /// <summary>The defaults with <see cref="EffectiveOrder"/> on: sacreBLEU's <c>sentence_bleu</c>.</summary>
    public static BleuOptions SentenceDefaults { get; } = new() { EffectiveOrder = true };

    internal void Validate()
    {
        if (!Enum.IsDefined(Tokenization)) ThrowHelper.OutOfRange(nameof(Tokenization), Tokenization, "it must be Mteval13a or None");
        if (!Enum.IsDefined(Smoothing)) ThrowHelper.OutOfRange(nameof(Smoothing), Smoothing, "it must be Exp, Floor, AddK or None");
        ThrowHelper.ThrowIfNotPositive(MaxNgramOrder, nameof(MaxNgramOrder));
        if (SmoothValue is double v) ThrowHelper.ThrowIfNegativeOrNotFinite(v, nameof(SmoothValue));
    }
}
