using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Decoding;

/// <summary>Options of <see cref="BeamSearch"/>.</summary>
public sealed class BeamSearchOptions
{
    /// <summary>
    /// W: hypotheses kept at every step, across all groups. Must be positive, at most 10,000, divisible by
    /// <see cref="Groups"/>, and W times the vocabulary at most 33,554,432 (2^25 logits, 128 MB, per step).
    /// </summary>
    public int BeamWidth { get; init; } = 5;

    /// <summary>The most tokens generated after the prompt.</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>
    /// Length normalization exponent alpha: hypotheses are ranked by <c>logP / length^alpha</c>. 0 ranks by raw
    /// log-probability (favouring short endings); 1 ranks by mean log-probability per token. logP always includes the
    /// end token's log-probability for a hypothesis that ended with it; length counts the generated tokens without
    /// the end token (at least 1) unless <see cref="LengthCountsEndToken"/>.
    /// </summary>
    public float LengthPenalty { get; init; } = 1f;

    /// <summary>
    /// Whether the end token counts in the length that normalizes the score of a hypothesis that ended with it
    /// (<c>length = tokens + 1</c>, the reference translator's rule); false (the default) counts the generated tokens
    /// only. A hypothesis cut by <see cref="MaxLength"/> has no end token either way.
    /// </summary>
    public bool LengthCountsEndToken { get; init; }

    /// <summary>
    /// Diverse beam search (Vijayakumar et al., 2016): the beam is split into this many groups of
    /// <c>BeamWidth / Groups</c>; 1 is plain beam search.
    /// </summary>
    public int Groups { get; init; } = 1;

    /// <summary>
    /// Lambda of diverse beam search's Hamming diversity: a group's log-probability of a token is lowered by
    /// lambda times the number of earlier groups' beams that chose it at the same step.
    /// </summary>
    public float DiversityPenalty { get; init; }

    /// <summary>
    /// Whether the search stops as soon as every group has finished <c>BeamWidth / Groups</c> hypotheses (the
    /// reference translator's rule, Hugging Face's <c>early_stopping=True</c>) instead of searching on to
    /// <see cref="MaxLength"/>. The hypotheses still live when it stops are unfinished and are not returned; only
    /// those cut by <see cref="MaxLength"/> join the finished ones.
    /// </summary>
    public bool EarlyStopping { get; init; }

    /// <summary>A token that ends a hypothesis (not counted in its length), or -1 for none.</summary>
    public int EndToken { get; init; } = -1;

    internal const int MaxBeamWidth = 10_000;

    /// <summary>The most logits one step may hold, W x V (2^25: 128 MB of floats, and a candidate list of the same length).</summary>
    internal const long MaxBeamLogits = 1 << 25;

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(BeamWidth, nameof(BeamWidth));
        if (BeamWidth > MaxBeamWidth) ThrowHelper.OutOfRange(nameof(BeamWidth), BeamWidth, $"it must be at most {MaxBeamWidth}");
        ThrowHelper.ThrowIfNotPositive(MaxLength, nameof(MaxLength));
        ThrowHelper.ThrowIfNotPositive(Groups, nameof(Groups));
        if (BeamWidth % Groups != 0)
            ThrowHelper.Argument(nameof(Groups), Groups, $"it must divide 'BeamWidth' ({BeamWidth})");
        if (!(LengthPenalty >= 0f) || float.IsInfinity(LengthPenalty))
            ThrowHelper.OutOfRange(nameof(LengthPenalty), LengthPenalty, "it must be zero or a positive finite number");
        if (!(DiversityPenalty >= 0f) || float.IsInfinity(DiversityPenalty))
            ThrowHelper.OutOfRange(nameof(DiversityPenalty), DiversityPenalty, "it must be zero or a positive finite number");
    }
}
