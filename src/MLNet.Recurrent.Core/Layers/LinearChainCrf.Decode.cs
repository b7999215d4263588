using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class LinearChainCrf
{
    /// <summary>
    /// Viterbi decoding: writes each sequence's highest-scoring tag path, <c>argmax_y s(y)</c>, and its score.
    /// Ties go to the lower tag index. Uses its own workspace, so it leaves the cache of <see cref="Forward"/> intact.
    /// </summary>
    /// <param name="emissions">Scores e [T, B, K], time-major; finite on real steps.</param>
    /// <param name="lengths">[B] each sequence's number of real steps, 0..T.</param>
    /// <param name="tags">[T, B] flattened time-major (T * B entries): overwritten with the best path; -1 on padding steps.</param>
    /// <param name="scores">Optional [B]: overwritten with each best path's score s(y) (0 for an empty sequence); empty to skip.</param>
    public void Decode(Tensor emissions, ReadOnlySpan<int> lengths, Span<int> tags, Span<double> scores = default)
    {
        var (t, b) = CheckEmissions(emissions, lengths);
        LayerChecks.Length(tags.Length, t * b, nameof(tags), "T * B");
        if (!scores.IsEmpty) LayerChecks.Length(scores.Length, b, nameof(scores), "B");
        var lat = _infer;
        lat.Load(emissions, lengths, Transitions.Value, StartTransitions.Value, EndTransitions.Value, ForceLogSpace);
        lat.EnsureBackPointers();
        tags.Fill(-1);
        int k = lat.Classes;
        double[] delta = lat.Alpha, e = lat.Emissions, a = lat.Transitions;
        int[] back = lat.BackPointers;
        for (int j = 0; j < b; j++)
        {
            int length = lat.Lengths[j];
            if (length == 0)
            {
                if (!scores.IsEmpty) scores[j] = 0;
                continue;
            }
            int row = lat.Row(0, j);
            for (int c = 0; c < k; c++) delta[row + c] = lat.Start[c] + e[row + c];
            for (int step = 1; step < length; step++)
            {
                int previous = row;
                row = lat.Row(step, j);
                for (int c = 0; c < k; c++)
                {
                    int best = 0;
                    double bestScore = delta[previous] + a[c];
                    for (int i = 1; i < k; i++)
                    {
                        double s = delta[previous + i] + a[i * k + c];
                        if (s > bestScore)
                        {
                            bestScore = s;
                            best = i;
                        }
                    }
                    delta[row + c] = e[row + c] + bestScore;
                    back[row + c] = best;
                }
            }
            int last = 0;
            double lastScore = delta[row] + lat.End[0];
            for (int c = 1; c < k; c++)
            {
                double s = delta[row + c] + lat.End[c];
                if (s > lastScore)
                {
                    lastScore = s;
                    last = c;
                }
            }
            if (!scores.IsEmpty) scores[j] = lastScore;
            for (int step = length - 1; step >= 0; step--)
            {
                tags[step * b + j] = last;
                last = back[lat.Row(step, j) + last];
            }
        }
    }

    /// <summary>
    /// The per-step marginal probabilities <c>p(y_t = k | e)</c> by the forward-backward algorithm: each real step's
    /// row sums to 1 (the labeller's Scores). Uses its own workspace, so it leaves the cache of <see cref="Forward"/> intact.
    /// </summary>
    /// <param name="emissions">Scores e [T, B, K], time-major; finite on real steps.</param>
    /// <param name="lengths">[B] each sequence's number of real steps, 0..T.</param>
    /// <param name="marginals">Resized to [T, B, K] and overwritten; zero on padding steps.</param>
    /// <param name="logPartitions">Optional [B]: overwritten with each sequence's log Z (0 for an empty sequence); empty to skip.</param>
    public void Marginals(Tensor emissions, ReadOnlySpan<int> lengths, Tensor marginals, Span<double> logPartitions = default)
    {
        var (t, b) = CheckEmissions(emissions, lengths);
        ArgumentNullException.ThrowIfNull(marginals);
        if (ReferenceEquals(marginals, emissions)) ThrowHelper.Argument(nameof(marginals), marginals, "it must not be the emissions tensor");
        if (!logPartitions.IsEmpty) LayerChecks.Length(logPartitions.Length, b, nameof(logPartitions), "B");
        var lat = _infer;
        lat.Load(emissions, lengths, Transitions.Value, StartTransitions.Value, EndTransitions.Value, ForceLogSpace);
        ForwardAlgorithm(lat);
        BackwardAlgorithm(lat);
        int k = lat.Classes;
        marginals.Resize(t, b, k);
        marginals.Clear();
        Span<float> m = marginals.Span;
        for (int j = 0; j < b; j++)
        {
            if (!logPartitions.IsEmpty) logPartitions[j] = lat.LogPartition[j];
            for (int step = 0; step < lat.Lengths[j]; step++)
            {
                int row = lat.Row(step, j);
                for (int c = 0; c < k; c++)
                    m[row + c] = (float)Math.Exp(lat.Alpha[row + c] + lat.Beta[row + c] - lat.LogPartition[j]);
            }
        }
    }
}
