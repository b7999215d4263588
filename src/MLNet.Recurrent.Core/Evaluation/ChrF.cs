using MLNet.Recurrent.Core.Evaluation.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// chrF (Popović 2015) exactly as sacreBLEU 2.x computes it (character n-grams only, sacreBLEU's
/// <c>word_order=0</c>; chrF++'s word n-grams are not implemented). Per segment, white space is removed (unless
/// <see cref="ChrFOptions.Whitespace"/>) and character n-grams of orders 1..6 are counted; per order the hypothesis
/// count, the reference count and the clipped matches, against the reference with the best segment chrF. These are
/// summed over the corpus; precision and recall are averaged over the orders where both counts are positive, and
/// <c>chrF = 100 (1 + b^2) P R / (b^2 P + R)</c>. Characters are Unicode code points, as in Python.
/// Checked against every chrF vector of sacreBLEU's own test suite (tests/fixtures/metric_vectors.json).
/// </summary>
public static class ChrF
{
    private const double Eps = 1e-16;

    /// <summary>Corpus chrF, sacreBLEU's <c>CHRF(...).corpus_score(hypotheses, referenceStreams)</c>, on the 0-100 scale.</summary>
    /// <param name="hypotheses">N system outputs, one per segment.</param>
    /// <param name="referenceStreams">One or more reference streams, each N long: <c>referenceStreams[k][i]</c> is the k-th reference of segment i (<see langword="null"/> when segment i has fewer references).</param>
    /// <param name="options">The options; <see langword="null"/> for sacreBLEU's defaults (chrF2).</param>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams, ChrFOptions? options = null)
    {
        SegmentChecks.Check(hypotheses, referenceStreams);
        options ??= new ChrFOptions();
        options.Validate();
        int order = options.CharOrder;
        var totals = new long[3 * order];
        var stats = new long[3 * order];
        var best = new long[3 * order];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var hyp = CharNgrams(hypotheses[i], options);
            double bestF = -1.0;
            foreach (var stream in referenceStreams)
            {
                string? reference = stream[i];
                if (reference is null) continue;
                var refGrams = CharNgrams(reference, options);
                for (int o = 0; o < order; o++)
                {
                    long hypCount = 0, refCount = 0, match = 0;
                    foreach (var (gram, count) in hyp[o])
                    {
                        hypCount += count;
                        if (refGrams[o].TryGetValue(gram, out int r)) match += Math.Min(count, r);
                    }
                    foreach (int count in refGrams[o].Values) refCount += count;
                    // sacreBLEU counts the hypothesis n-grams of an order only when the reference has some.
                    stats[3 * o] = refGrams[o].Count > 0 ? hypCount : 0;
                    stats[3 * o + 1] = refCount;
                    stats[3 * o + 2] = match;
                }
                double f = FScore(stats, order, options.Beta, options.EpsSmoothing);
                if (f > bestF)
                {
                    bestF = f;
                    stats.CopyTo(best, 0);
                }
            }
            for (int s = 0; s < totals.Length; s++) totals[s] += best[s];
        }
        return FScore(totals, order, options.Beta, options.EpsSmoothing);
    }

    /// <summary>Sentence chrF, sacreBLEU's <c>sentence_chrf</c>: the corpus score of one segment.</summary>
    /// <param name="hypothesis">The system output.</param>
    /// <param name="references">One or more references.</param>
    /// <param name="options">The options; <see langword="null"/> for sacreBLEU's defaults (chrF2).</param>
    public static double Sentence(string hypothesis, IReadOnlyList<string> references, ChrFOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        return Corpus([hypothesis], references.Select(r => (IReadOnlyList<string?>)[r]).ToArray(), options);
    }

    /// <summary>sacreBLEU's <c>CHRF._compute_f_score</c> over [hyp, ref, match] triples of each order; the float operations in its order.</summary>
    private static double FScore(ReadOnlySpan<long> stats, int order, double beta, bool epsSmoothing)
    {
        double factor = beta * beta;
        double score = 0.0, avgP = 0.0, avgR = 0.0;
        int effective = 0;
        for (int o = 0; o < order; o++)
        {
            long nHyp = stats[3 * o], nRef = stats[3 * o + 1], nMatch = stats[3 * o + 2];
            double prec = nHyp > 0 ? (double)nMatch / nHyp : Eps;
            double rec = nRef > 0 ? (double)nMatch / nRef : Eps;
            double denom = factor * prec + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : Eps;
            if (nHyp > 0 && nRef > 0)
            {
                avgP += prec;
                avgR += rec;
                effective++;
            }
        }
        if (epsSmoothing) return 100 * score / order;
        if (effective == 0)
        {
            avgP = 0.0;
            avgR = 0.0;
        }
        else
        {
            avgP /= effective;
            avgR /= effective;
        }
        return avgP + avgR != 0 ? 100 * (1 + factor) * avgP * avgR / (factor * avgP + avgR) : 0.0;
    }

    /// <summary>The character n-gram counts of orders 1..CharOrder, over code points (a surrogate pair is one character).</summary>
    private static Dictionary<string, int>[] CharNgrams(string line, ChrFOptions options)
    {
        if (options.Lowercase) line = PythonText.Lower(line);
        if (!options.Whitespace) line = PythonText.RemoveSpaces(line);
        var starts = new List<int>(line.Length + 1);
        for (int i = 0; i < line.Length; i++)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1])) i++;
        }
        starts.Add(line.Length);
        int characters = starts.Count - 1;
        var counts = new Dictionary<string, int>[options.CharOrder];
        for (int n = 1; n <= options.CharOrder; n++)
        {
            var d = counts[n - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= characters; i++)
            {
                string gram = line.Substring(starts[i], starts[i + n] - starts[i]);
                d[gram] = d.GetValueOrDefault(gram) + 1;
            }
        }
        return counts;
    }
}
