using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class LinearChainCrf
{
    /// <summary>
    /// One step of the forward algorithm for a stream that is read as it arrives (a live sensor or video feed): updates
    /// the carried log-scores <c>alpha_t[k] = e_t[k] + logsumexp_i(alpha_{t-1}[i] + A[i, k])</c> (<c>start[k] + e_0[k]</c>
    /// at the first step) and writes the filtered probabilities <c>p(y_t = k | e_0..e_t) = softmax(alpha_t)[k]</c>,
    /// the best guess with no look-ahead. They equal <see cref="Marginals"/> only at a sequence's last step and
    /// without the end transition; a bidirectional or Viterbi answer needs the whole sequence.
    /// </summary>
    /// <param name="emission">e_t [K], this step's scores; finite.</param>
    /// <param name="alpha">[K] the carried log-scores: read (unless <paramref name="first"/>) and overwritten with alpha_t.</param>
    /// <param name="first">Whether this is the stream's first step (the start transitions apply; <paramref name="alpha"/> is not read).</param>
    /// <param name="probabilities">[K] overwritten with the filtered probabilities.</param>
    public void FilterStep(ReadOnlySpan<float> emission, Span<double> alpha, bool first, Span<float> probabilities)
    {
        int k = ClassCount;
        LayerChecks.Length(emission.Length, k, nameof(emission), "K");
        LayerChecks.Length(alpha.Length, k, nameof(alpha), "K");
        LayerChecks.Length(probabilities.Length, k, nameof(probabilities), "K");
        for (int c = 0; c < k; c++)
        {
            if (!float.IsFinite(emission[c])) ThrowHelper.Argument($"emission[{c}]", emission[c], "emission scores must be finite");
        }
        ReadOnlySpan<float> a = Transitions.Value, start = StartTransitions.Value;
        if (_streamTerms.Length != 2 * k) _streamTerms = new double[2 * k];
        Span<double> terms = _streamTerms.AsSpan(0, k), next = _streamTerms.AsSpan(k, k);
        for (int c = 0; c < k; c++)
        {
            if (first)
            {
                next[c] = start[c] + (double)emission[c];
                continue;
            }
            for (int i = 0; i < k; i++) terms[i] = alpha[i] + a[i * k + c];
            next[c] = emission[c] + LogSumExp(terms);
        }
        next.CopyTo(alpha);
        double logNormalizer = LogSumExp(next);
        for (int c = 0; c < k; c++) probabilities[c] = (float)Math.Exp(next[c] - logNormalizer);
    }
}
