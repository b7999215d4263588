using MLNet.Recurrent.Core.Evaluation.Internals;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// BLEU (Papineni et al. 2002) exactly as sacreBLEU 2.x computes it. Each segment is right-stripped, optionally
/// lowercased and tokenized; per segment, n-gram counts for n = 1..N are clipped by the largest count of that n-gram
/// in any one reference, and the reference length is the one closest to the hypothesis length (a tie goes to the
/// shorter). Counts and lengths are summed over the corpus, then
/// <c>BLEU = BP * exp(mean_n log p_n)</c>, <c>BP = exp(1 - r/c)</c> if c &lt; r else 1, <c>p_n = matches_n / total_n</c>,
/// smoothed as <see cref="BleuOptions.Smoothing"/> says. Scores are on the 0-100 scale.
/// Checked against every BLEU vector of sacreBLEU's own test suite (tests/fixtures/metric_vectors.json).
/// </summary>
public static class Bleu
{
    /// <summary>Corpus BLEU, sacreBLEU's <c>BLEU(...).corpus_score(hypotheses, referenceStreams)</c>.</summary>
    /// <param name="hypotheses">N system outputs, one per segment (detokenized text; empty for no output).</param>
    /// <param name="referenceStreams">One or more reference streams, each N long: <c>referenceStreams[k][i]</c> is the k-th reference of segment i (<see langword="null"/> when segment i has fewer references). A single reference per segment is <c>[references]</c>.</param>
    /// <param name="options">The options; <see langword="null"/> for sacreBLEU's defaults.</param>
    /// <returns>The score with its statistics.</returns>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams, BleuOptions? options = null)
    {
        SegmentChecks.Check(hypotheses, referenceStreams);
        options ??= new BleuOptions();
        options.Validate();
        int n = options.MaxNgramOrder;
        var correct = new long[n];
        var total = new long[n];
        long sysLen = 0, refLen = 0;
        var refMax = new Dictionary<string, int>[n];
        for (int o = 0; o < n; o++) refMax[o] = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < hypotheses.Count; i++)
        {
            foreach (var d in refMax) d.Clear();
            int closest = -1;
            var hyp = Ngrams(Prepare(hypotheses[i], options), n, out int hypLen);
            foreach (var stream in referenceStreams)
            {
                string? reference = stream[i];
                if (reference is null) continue;
                var grams = Ngrams(Prepare(reference, options), n, out int length);
                // min(ref_lens, key=lambda r: (abs(hyp_len - r), r)): the closest length, the shorter on a tie.
                if (closest < 0 || Math.Abs(hypLen - length) < Math.Abs(hypLen - closest)
                    || (Math.Abs(hypLen - length) == Math.Abs(hypLen - closest) && length < closest))
                    closest = length;
                for (int o = 0; o < n; o++)
                    foreach (var (gram, count) in grams[o])
                        if (!refMax[o].TryGetValue(gram, out int seen) || count > seen) refMax[o][gram] = count;
            }
            sysLen += hypLen;
            refLen += closest;
            for (int o = 0; o < n; o++)
                foreach (var (gram, count) in hyp[o])
                {
                    total[o] += count;
                    if (refMax[o].TryGetValue(gram, out int max)) correct[o] += Math.Min(count, max);
                }
        }
        return FromStatistics(correct, total, sysLen, refLen, options);
    }

    /// <summary>
    /// Sentence BLEU, sacreBLEU's <c>sentence_bleu</c>: one segment, by default with
    /// <see cref="BleuOptions.SentenceDefaults"/> (effective order on, 'exp' smoothing).
    /// </summary>
    /// <param name="hypothesis">The system output.</param>
    /// <param name="references">One or more references.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="BleuOptions.SentenceDefaults"/>.</param>
    /// <returns>The score with its statistics.</returns>
    public static BleuScore Sentence(string hypothesis, IReadOnlyList<string> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        return Corpus([hypothesis], references.Select(r => (IReadOnlyList<string?>)[r]).ToArray(), options ?? BleuOptions.SentenceDefaults);
    }

    /// <summary>
    /// BLEU from summed statistics, sacreBLEU's <c>BLEU.compute_bleu</c> (for callers that accumulate counts themselves).
    /// </summary>
    /// <param name="correct">The clipped matches of each order, N entries.</param>
    /// <param name="total">The hypothesis n-grams of each order, N entries.</param>
    /// <param name="systemLength">c, the hypotheses' words.</param>
    /// <param name="referenceLength">r, the summed closest reference lengths.</param>
    /// <param name="options">The smoothing, order and effective-order options; <see langword="null"/> for the defaults.</param>
    public static BleuScore FromStatistics(IReadOnlyList<long> correct, IReadOnlyList<long> total, long systemLength, long referenceLength, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(correct);
        ArgumentNullException.ThrowIfNull(total);
        options ??= new BleuOptions();
        options.Validate();
        int n = options.MaxNgramOrder;
        if (correct.Count != n) ThrowHelper.Argument(nameof(correct), $"{correct.Count} orders", $"it must hold one count per n-gram order ({n}, MaxNgramOrder)");
        if (total.Count != n) ThrowHelper.Argument(nameof(total), $"{total.Count} orders", $"it must hold one count per n-gram order ({n}, MaxNgramOrder)");
        double smoothValue = options.SmoothValue ?? (options.Smoothing == BleuSmoothing.AddK ? 1 : 0.1);

        double bp = 1.0;
        if (systemLength < referenceLength)
            bp = systemLength > 0 ? Math.Exp(1 - (double)referenceLength / systemLength) : 0.0;
        var precisions = new double[n];
        var result = new BleuScore(0.0, precisions, bp, systemLength, referenceLength, correct.ToArray(), total.ToArray());
        if (correct.All(c => c == 0)) return result;

        double smoothMteval = 1.0;
        int effectiveOrder = n;
        for (int o = 1; o <= n; o++)
        {
            double c = correct[o - 1], t = total[o - 1];
            if (options.Smoothing == BleuSmoothing.AddK && o > 1)
            {
                c += smoothValue;
                t += smoothValue;
            }
            if (t == 0) break;
            if (options.EffectiveOrder) effectiveOrder = o;
            if (c == 0)
            {
                if (options.Smoothing == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[o - 1] = 100.0 / (smoothMteval * t);
                }
                else if (options.Smoothing == BleuSmoothing.Floor)
                {
                    precisions[o - 1] = 100.0 * smoothValue / t;
                }
            }
            else
            {
                precisions[o - 1] = 100.0 * c / t;
            }
        }
        double sum = 0;
        for (int o = 0; o < effectiveOrder; o++) sum += precisions[o] != 0.0 ? Math.Log(precisions[o]) : -9999999999;
        return result with { Score = bp * Math.Exp(sum / effectiveOrder) };
    }

    private static string Prepare(string segment, BleuOptions options)
    {
        string s = PythonText.RStrip(options.Lowercase ? PythonText.Lower(segment) : segment);
        return options.Tokenization == BleuTokenization.Mteval13a ? Tokenizer13a.Tokenize(s) : s;
    }

    /// <summary>The n-gram counts of orders 1..n (each n-gram keyed by its words joined with single spaces) and the word count.</summary>
    private static Dictionary<string, int>[] Ngrams(string line, int n, out int length)
    {
        string[] words = PythonText.Split(line).ToArray();
        length = words.Length;
        var counts = new Dictionary<string, int>[n];
        for (int o = 1; o <= n; o++)
        {
            var d = counts[o - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + o <= words.Length; i++)
            {
                string gram = o == 1 ? words[i] : string.Join(' ', words, i, o);
                d[gram] = d.GetValueOrDefault(gram) + 1;
            }
        }
        return counts;
    }
}
