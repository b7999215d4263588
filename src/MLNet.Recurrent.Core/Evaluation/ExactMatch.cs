using MLNet.Recurrent.Core.Evaluation.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>The share of segments whose hypothesis equals one of its references character for character (ordinal, no normalisation).</summary>
public static class ExactMatch
{
    /// <summary>Exact match on the 0-100 scale (like BLEU and chrF); 0 for an empty corpus.</summary>
    /// <param name="hypotheses">N system outputs, one per segment.</param>
    /// <param name="referenceStreams">One or more reference streams, each N long: <c>referenceStreams[k][i]</c> is the k-th reference of segment i (<see langword="null"/> when segment i has fewer references).</param>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        SegmentChecks.Check(hypotheses, referenceStreams);
        if (hypotheses.Count == 0) return 0;
        int matches = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            foreach (var stream in referenceStreams)
            {
                if (string.Equals(stream[i], hypotheses[i], StringComparison.Ordinal))
                {
                    matches++;
                    break;
                }
            }
        }
        return 100.0 * matches / hypotheses.Count;
    }
}
