using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Decoding;

/// <summary>How text is generated: length, temperature, top-k, top-p, seed and stop sequences.</summary>
public sealed class GenerationOptions
{
    /// <summary>The most characters (tokens) generated after the prompt.</summary>
    public int MaxLength { get; init; } = 200;

    /// <summary>Divides the logits before sampling: below 1 is more conservative, above 1 more surprising; 0 is greedy.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Samples only among the K most likely next characters; 0 for all.</summary>
    public int TopK { get; init; }

    /// <summary>Samples only among the most likely characters whose probabilities sum to P; 1 for all.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seeds the draws: the same model, prompt and seed give the same text.</summary>
    public int Seed { get; init; }

    /// <summary>Generation stops right after any of these strings has been generated (it is included in the text).</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>The sampling part of these options.</summary>
    public SamplingOptions ToSampling() => new() { Temperature = Temperature, TopK = TopK, TopP = TopP, Seed = Seed };

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        ThrowHelper.ThrowIfNegative(MaxLength, nameof(MaxLength));
        ToSampling().Validate();
        ArgumentNullException.ThrowIfNull(StopSequences, nameof(StopSequences));
        for (int i = 0; i < StopSequences.Count; i++)
            if (string.IsNullOrEmpty(StopSequences[i])) ThrowHelper.Argument($"StopSequences[{i}]", StopSequences[i], "a stop sequence must be a non-empty string");
    }
}
