using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Decoding;

/// <summary>How the next token is drawn from a distribution of logits.</summary>
public sealed class SamplingOptions
{
    /// <summary>
    /// Divides the logits before the softmax: below 1 sharpens, above 1 flattens. 0 means greedy (always the most
    /// likely token). Must be zero, or finite and at least <c>1.1754944E-38</c> (the smallest normal float: below it
    /// 1/T can overflow to infinity and the tempered softmax would be NaN).
    /// </summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keeps only the K most likely tokens before sampling; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>
    /// Nucleus sampling: keeps the smallest set of most likely tokens whose probabilities sum to at least P;
    /// 1 keeps all. Must be in (0, 1].
    /// </summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seeds the random draws: the same seed gives the same text.</summary>
    public int Seed { get; init; }

    /// <summary>Whether the options pick the most likely token every time.</summary>
    public bool IsGreedy => Temperature == 0f || TopK == 1;

    private const float MinPositiveTemperature = 1.17549435E-38f; // float's smallest normal value; 1 / it is about 8.5E37

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0f) || float.IsPositiveInfinity(Temperature))
            ThrowHelper.OutOfRange(nameof(Temperature), Temperature, "it must be zero (greedy) or a positive finite number");
        if (Temperature > 0f && Temperature < MinPositiveTemperature)
            ThrowHelper.OutOfRange(nameof(Temperature), Temperature,
                $"it must be zero (greedy) or at least {ThrowHelper.Show(MinPositiveTemperature)}, the smallest normal float (below it 1/T can overflow)");
        ThrowHelper.ThrowIfNegative(TopK, nameof(TopK));
        if (!(TopP > 0f && TopP <= 1f)) ThrowHelper.OutOfRange(nameof(TopP), TopP, "it must be in (0, 1]");
    }
}
