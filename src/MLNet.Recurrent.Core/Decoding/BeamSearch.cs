using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Decoding;

/// <summary>
/// Beam search and diverse beam search over any <see cref="IStepDecoder"/>. The prompt primes one row; that row
/// is copied into every beam. With <c>Groups</c> &gt; 1, groups are expanded in turn and each is penalized for
/// choosing the tokens that earlier groups chose at the same step (Hamming diversity).
/// </summary>
public static class BeamSearch
{
    private sealed record Beam(int[] Tokens, double LogProbability, int Row);

    /// <summary>
    /// Runs the search and returns the finished hypotheses, best score first. A hypothesis is finished when it picks
    /// the end token (its log-probability includes the end token's; its tokens do not), when the stop predicate says
    /// so, or when it reaches <c>MaxLength</c> (the tokens' log-probability, no end token). Its score is
    /// <c>logP / length^alpha</c> (see <see cref="BeamSearchOptions.LengthPenalty"/> and
    /// <see cref="BeamSearchOptions.LengthCountsEndToken"/>).
    /// </summary>
    /// <param name="decoder">The model; it is reset and then reordered as beams are chosen.</param>
    /// <param name="prompt">Tokens read before generating; at least one (a start symbol if there is no text).</param>
    /// <param name="options">Width, length, normalization, groups, end token.</param>
    /// <param name="isFinished">Optional: given a hypothesis's generated tokens, whether it has ended (stop sequences).</param>
    /// <returns>Up to <c>BeamWidth / Groups</c> hypotheses from each group, sorted by score.</returns>
    public static IReadOnlyList<BeamHypothesis> Search(
        IStepDecoder decoder, ReadOnlySpan<int> prompt, BeamSearchOptions options, Func<int[], bool>? isFinished = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompt.IsEmpty) ThrowHelper.Argument(nameof(prompt), "empty", "it must hold at least one token (a start symbol if there is no text)");

        int v = decoder.VocabularySize, groups = options.Groups, perGroup = options.BeamWidth / groups;
        if ((long)options.BeamWidth * v > BeamSearchOptions.MaxBeamLogits)
            ThrowHelper.OutOfRange(nameof(options.BeamWidth), options.BeamWidth,
                $"'BeamWidth' times the vocabulary ({v}) must be at most {BeamSearchOptions.MaxBeamLogits} logits per step");
        var logits = new float[options.BeamWidth * v];
        decoder.Reset(1);
        for (int i = 0; i < prompt.Length; i++) decoder.Step(prompt.Slice(i, 1), logits.AsSpan(0, v));
        LogSoftmaxRows(logits.AsSpan(0, v), v);

        var live = new List<Beam>[groups];
        var finished = new List<BeamHypothesis>[groups];
        for (int g = 0; g < groups; g++)
        {
            live[g] = [new Beam([], 0, 0)];
            finished[g] = [];
        }

        var chosenCount = new int[v];
        var candidates = new List<(double Rank, double LogP, Beam Parent, int Token)>(perGroup * v);
        for (int step = 0; step < options.MaxLength; step++)
        {
            Array.Clear(chosenCount);
            var next = new List<Beam>[groups];
            for (int g = 0; g < groups; g++)
            {
                next[g] = [];
                candidates.Clear();
                foreach (var beam in live[g])
                {
                    var row = logits.AsSpan(beam.Row * v, v);
                    for (int token = 0; token < v; token++)
                    {
                        double logP = beam.LogProbability + row[token];
                        candidates.Add((logP - options.DiversityPenalty * chosenCount[token], logP, beam, token));
                    }
                }
                // Best first; ties broken by parent row then token so the result never depends on sort stability.
                candidates.Sort((a, b) => a.Rank != b.Rank ? b.Rank.CompareTo(a.Rank)
                    : a.Parent.Row != b.Parent.Row ? a.Parent.Row.CompareTo(b.Parent.Row) : a.Token.CompareTo(b.Token));
                foreach (var c in candidates)
                {
                    if (next[g].Count == perGroup || double.IsNegativeInfinity(c.LogP)) break;
                    if (c.Token == options.EndToken)
                    {
                        finished[g].Add(Finish(c.Parent.Tokens, c.LogP, g, options.LengthPenalty, options.LengthCountsEndToken ? 1 : 0));
                        continue;
                    }
                    int[] tokens = [.. c.Parent.Tokens, c.Token];
                    chosenCount[c.Token]++;
                    if (isFinished?.Invoke(tokens) == true) finished[g].Add(Finish(tokens, c.LogP, g, options.LengthPenalty, 0));
                    else next[g].Add(new Beam(tokens, c.LogP, c.Parent.Row));
                }
            }

            // Gather the surviving beams into decoder rows, group after group, and read each one's last token.
            var parents = new List<int>();
            var lastTokens = new List<int>();
            for (int g = 0; g < groups; g++)
            {
                for (int i = 0; i < next[g].Count; i++)
                {
                    var b = next[g][i];
                    parents.Add(b.Row);
                    lastTokens.Add(b.Tokens[^1]);
                    next[g][i] = b with { Row = parents.Count - 1 };
                }
                live[g] = next[g];
            }
            if (parents.Count == 0) break;
            if (options.EarlyStopping && finished.All(f => f.Count >= perGroup))
            {
                // Stopped before the length limit: the live hypotheses have not ended, so they are not candidates
                // (their log-probability lacks an end token's; the reference drops them too).
                foreach (var l in live) l.Clear();
                break;
            }
            if (step == options.MaxLength - 1) break; // no further step needs their logits
            decoder.Reorder(parents.ToArray());
            var rows = logits.AsSpan(0, parents.Count * v);
            decoder.Step(lastTokens.ToArray(), rows);
            LogSoftmaxRows(rows, v);
        }

        var result = new List<BeamHypothesis>();
        for (int g = 0; g < groups; g++)
        {
            // Hypotheses cut by the length limit: the probability of the tokens generated, no end token.
            foreach (var b in live[g]) finished[g].Add(Finish(b.Tokens, b.LogProbability, g, options.LengthPenalty, 0));
            result.AddRange(finished[g].OrderByDescending(h => h.Score).Take(perGroup));
        }
        return result.OrderByDescending(h => h.Score).ToArray();
    }

    private static BeamHypothesis Finish(int[] tokens, double logP, int group, float alpha, int endCounted) =>
        new(tokens, logP, logP / Math.Pow(Math.Max(1, tokens.Length + endCounted), alpha), group);

    /// <summary>Turns each row of logits into log-probabilities in place (stable: the row's max is subtracted).</summary>
    internal static void LogSoftmaxRows(Span<float> rows, int v)
    {
        for (int r = 0; r < rows.Length / v; r++)
        {
            var row = rows.Slice(r * v, v);
            if (float.IsNaN(TensorPrimitives.Max(row))) ThrowHelper.InvalidOperation($"The decoder produced NaN logits for row {r}.");
            LogSoftmaxOperator.Invoke(row, row, v);
        }
    }
}
