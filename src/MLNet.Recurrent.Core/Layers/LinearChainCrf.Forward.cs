using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class LinearChainCrf
{
    /// <summary>
    /// Computes the negative log-likelihood of the gold tag paths, <c>nll_b = log Z_b - s_b(y_b)</c>, reduced as
    /// <see cref="Reduction"/> says, and caches what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="emissions">Scores e [T, B, K], time-major (e.g. a <see cref="Linear"/> layer's output); finite on real steps. Copied.</param>
    /// <param name="lengths">[B] each sequence's number of real steps, 0..T.</param>
    /// <param name="tags">Gold tags y [T, B] flattened time-major (T * B entries); in [0, K) on real steps, anything (e.g. -1) on padding.</param>
    /// <returns>The reduced loss; 0 when every sequence is empty.</returns>
    /// <exception cref="ArgumentException">A shape, length, tag or score is wrong; the message names it and its value.</exception>
    public double Forward(Tensor emissions, ReadOnlySpan<int> lengths, ReadOnlySpan<int> tags)
    {
        var (t, b) = CheckEmissions(emissions, lengths);
        LayerChecks.Length(tags.Length, t * b, nameof(tags), "T * B");
        for (int j = 0; j < b; j++)
            for (int step = 0; step < lengths[j]; step++)
            {
                int y = tags[step * b + j];
                if ((uint)y >= (uint)ClassCount)
                    ThrowHelper.OutOfRange($"tags[{step * b + j}]", y, $"the tag of step {step} of sequence {j} must be in [0, {ClassCount}) (K)");
            }

        var lat = _train;
        lat.Load(emissions, lengths, Transitions.Value, StartTransitions.Value, EndTransitions.Value, ForceLogSpace);
        if (_tags.Length < t * b) _tags = new int[t * b];
        tags.CopyTo(_tags);
        ForwardAlgorithm(lat);

        double nll = 0;
        int steps = 0, sequences = 0;
        for (int j = 0; j < b; j++)
        {
            int length = lat.Lengths[j];
            if (length == 0) continue;
            nll += lat.LogPartition[j] - PathScore(lat, tags, j);
            steps += length;
            sequences++;
        }
        double denominator = Reduction switch
        {
            CrfReduction.StepMean => steps,
            CrfReduction.SequenceMean => sequences,
            _ => 1,
        };
        _scale = steps > 0 ? 1.0 / denominator : 0;
        NllSum = nll;
        StepCount = steps;
        SequenceCount = sequences;
        Loss = nll * _scale;
        _forwardDone = true;
        return Loss;
    }

    /// <summary>The score s(y) of one sequence's path: start, emissions, transitions and end, summed in double.</summary>
    private static double PathScore(CrfLattice lat, ReadOnlySpan<int> tags, int j)
    {
        int b = lat.Batch, k = lat.Classes, length = lat.Lengths[j];
        int previous = tags[j];
        double score = lat.Start[previous] + lat.Emissions[lat.Row(0, j) + previous];
        for (int step = 1; step < length; step++)
        {
            int y = tags[step * b + j];
            score += lat.Transitions[previous * k + y] + lat.Emissions[lat.Row(step, j) + y];
            previous = y;
        }
        return score + lat.End[previous];
    }

    /// <summary>
    /// The forward algorithm: <c>alpha_0[k] = start[k] + e_0[k]</c>,
    /// <c>alpha_t[k] = e_t[k] + logsumexp_i(alpha_{t-1}[i] + A[i, k])</c>,
    /// <c>log Z = logsumexp_k(alpha_{L-1}[k] + end[k])</c>, for every sequence of the lattice.
    /// </summary>
    private static void ForwardAlgorithm(CrfLattice lat)
    {
        if (lat.ExpSpace)
        {
            ForwardAlgorithmExpSpace(lat);
            return;
        }
        int k = lat.Classes;
        double[] alpha = lat.Alpha, e = lat.Emissions, a = lat.Transitions;
        Span<double> terms = lat.Scratch;
        for (int j = 0; j < lat.Batch; j++)
        {
            int length = lat.Lengths[j];
            lat.LogPartition[j] = 0;
            if (length == 0) continue;
            int row = lat.Row(0, j);
            for (int c = 0; c < k; c++) alpha[row + c] = lat.Start[c] + e[row + c];
            for (int step = 1; step < length; step++)
            {
                int previous = row;
                row = lat.Row(step, j);
                for (int c = 0; c < k; c++)
                {
                    for (int i = 0; i < k; i++) terms[i] = alpha[previous + i] + a[i * k + c];
                    alpha[row + c] = e[row + c] + LogSumExp(terms);
                }
            }
            for (int c = 0; c < k; c++) terms[c] = alpha[row + c] + lat.End[c];
            lat.LogPartition[j] = LogSumExp(terms);
        }
    }

    /// <summary>
    /// The backward algorithm: <c>beta_{L-1}[k] = end[k]</c>,
    /// <c>beta_t[i] = logsumexp_k(A[i, k] + e_{t+1}[k] + beta_{t+1}[k])</c>, so that
    /// <c>p(y_t = k) = exp(alpha_t[k] + beta_t[k] - log Z)</c>.
    /// </summary>
    private static void BackwardAlgorithm(CrfLattice lat)
    {
        if (lat.ExpSpace)
        {
            BackwardAlgorithmExpSpace(lat);
            return;
        }
        int k = lat.Classes;
        double[] beta = lat.Beta, e = lat.Emissions, a = lat.Transitions;
        Span<double> terms = lat.Scratch;
        for (int j = 0; j < lat.Batch; j++)
        {
            int length = lat.Lengths[j];
            if (length == 0) continue;
            int row = lat.Row(length - 1, j);
            for (int c = 0; c < k; c++) beta[row + c] = lat.End[c];
            for (int step = length - 2; step >= 0; step--)
            {
                int next = row;
                row = lat.Row(step, j);
                for (int i = 0; i < k; i++)
                {
                    for (int c = 0; c < k; c++) terms[c] = a[i * k + c] + e[next + c] + beta[next + c];
                    beta[row + i] = LogSumExp(terms);
                }
            }
        }
    }
}
