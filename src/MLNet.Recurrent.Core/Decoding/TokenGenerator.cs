using MLNet.Recurrent.Core.Internals;
namespace MLNet.Recurrent.Core.Decoding;

/// <summary>Sampling loops over an <see cref="IStepDecoder"/>: priming with a prompt, then drawing token after token.</summary>
public static class TokenGenerator
{
    /// <summary>
    /// Primes the decoder with <paramref name="prompt"/> and yields up to <paramref name="maxLength"/> drawn tokens,
    /// one at a time as they are drawn (streaming). Stops early when <paramref name="stop"/> says so for the
    /// tokens drawn so far (the token that ended it is yielded first).
    /// </summary>
    /// <param name="decoder">The model, reset to one row.</param>
    /// <param name="prompt">Tokens read before generating; at least one (a start symbol if there is no text).</param>
    /// <param name="maxLength">The most tokens to draw.</param>
    /// <param name="sampling">Temperature, top-k, top-p and seed.</param>
    /// <param name="stop">Optional: given the tokens drawn so far, whether to stop.</param>
    public static IEnumerable<int> Sample(
        IStepDecoder decoder, int[] prompt, int maxLength, SamplingOptions sampling, Func<IReadOnlyList<int>, bool>? stop = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(prompt);
        Internals.ThrowHelper.ThrowIfNegative(maxLength, nameof(maxLength));
        if (prompt.Length == 0) Internals.ThrowHelper.Argument(nameof(prompt), "empty", "it must hold at least one token (a start symbol if there is no text)");
        var sampler = new Sampler(sampling);
        return Run(decoder, prompt, maxLength, sampler, stop);
    }

    private static IEnumerable<int> Run(IStepDecoder decoder, int[] prompt, int maxLength, Sampler sampler, Func<IReadOnlyList<int>, bool>? stop)
    {
        var logits = new float[decoder.VocabularySize];
        var token = new int[1];
        var drawn = new List<int>();
        decoder.Reset(1);
        foreach (int t in prompt)
        {
            token[0] = t;
            decoder.Step(token, logits);
        }
        for (int i = 0; i < maxLength; i++)
        {
            token[0] = sampler.Next(logits);
            drawn.Add(token[0]);
            yield return token[0];
            if (stop?.Invoke(drawn) == true || i == maxLength - 1) yield break;
            decoder.Step(token, logits);
        }
    }
}
