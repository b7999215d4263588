using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// A linear-chain conditional random field over per-step emission scores (Lafferty et al. 2001; the output layer of
/// Lample et al. 2016's BiLSTM-CRF). A tag path y_0..y_{L-1} of a sequence of length L scores
/// <c>s(y) = start[y_0] + sum_t e_t[y_t] + sum_{t=1}^{L-1} A[y_{t-1}, y_t] + end[y_{L-1}]</c>, and
/// <c>p(y | e) = exp(s(y)) / Z</c>, Z summed over all K^L paths by the forward algorithm.
/// Parameters, named and laid out as pytorch-crf's: <c>{prefix}start_transitions</c> [K],
/// <c>{prefix}end_transitions</c> [K], <c>{prefix}transitions</c> A [K, K] (row: previous tag, column: next tag).
/// Emissions are time-major [T, B, K]; steps at or past a sequence's length are padding: never read, zero
/// gradient, zero marginals, tag -1. An empty sequence (length 0) has no path and contributes nothing.
/// Every sum runs in double and is shifted by its largest term (log-sum-exp, or the exp-space products of
/// <c>LinearChainCrf.ExpSpace.cs</c>), so large scores neither overflow nor lose the small terms.
/// Training: <see cref="Forward"/> then <see cref="Backward"/>; prediction: <see cref="Decode"/> (Viterbi) and
/// <see cref="Marginals"/> (the Scores); streams: <see cref="FilterStep"/>.
/// An instance caches its last pass and is not thread-safe.
/// </summary>
public sealed partial class LinearChainCrf
{
    private readonly CrfLattice _train = new();
    private readonly CrfLattice _infer = new();
    private int[] _tags = [];
    private double[] _streamTerms = [];
    private double _scale;
    private bool _forwardDone;

    /// <summary>Builds the layer and registers its zero-filled parameters in <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The set that holds the weights and their gradients.</param>
    /// <param name="classCount">K, the number of tags; must be positive.</param>
    /// <param name="reduction">How <see cref="Forward"/> combines the sequences' negative log-likelihoods.</param>
    /// <param name="prefix">Prepended to the parameter names, e.g. <c>"crf."</c>.</param>
    public LinearChainCrf(ParameterSet parameters, int classCount, CrfReduction reduction = CrfReduction.StepMean, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowHelper.ThrowIfNotPositive(classCount, nameof(classCount));
        if (!Enum.IsDefined(reduction)) ThrowHelper.OutOfRange(nameof(reduction), reduction, "it must be StepMean, SequenceMean or Sum");
        ClassCount = classCount;
        Reduction = reduction;
        StartTransitions = parameters.Add(prefix + "start_transitions", classCount);
        EndTransitions = parameters.Add(prefix + "end_transitions", classCount);
        Transitions = parameters.Add(prefix + "transitions", classCount, classCount);
    }

    /// <summary>K, the number of tags.</summary>
    public int ClassCount { get; }

    /// <summary>How <see cref="Forward"/> combines the sequences' negative log-likelihoods.</summary>
    public CrfReduction Reduction { get; }

    /// <summary>start [K]: the score of a path beginning in each tag.</summary>
    public Parameter StartTransitions { get; }

    /// <summary>end [K]: the score of a path ending in each tag.</summary>
    public Parameter EndTransitions { get; }

    /// <summary>A [K, K]: <c>A[i, j]</c> scores tag j following tag i.</summary>
    public Parameter Transitions { get; }

    /// <summary>The last loss returned by <see cref="Forward"/>.</summary>
    public double Loss { get; private set; }

    /// <summary>The summed negative log-likelihood of the last <see cref="Forward"/>'s gold paths, in nats: <c>sum_b (log Z_b - s_b(y_b))</c>.</summary>
    public double NllSum { get; private set; }

    /// <summary>The number of real steps in the last <see cref="Forward"/>: <c>sum_b len_b</c>.</summary>
    public int StepCount { get; private set; }

    /// <summary>The number of non-empty sequences in the last <see cref="Forward"/>.</summary>
    public int SequenceCount { get; private set; }

    /// <summary>
    /// Tests only: run the recursions with K^2 exponentials in log space even when the exp-space products apply
    /// (both paths are checked against brute force).
    /// </summary>
    internal bool ForceLogSpace { get; set; }

    /// <summary>Fills the parameters from U(-0.1, 0.1) as pytorch-crf does: start, end, then transitions row by row.</summary>
    /// <param name="random">The source of randomness; a seeded <see cref="Random"/> gives the same weights every time.</param>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Initializers.Uniform(StartTransitions, 0.1, random);
        Initializers.Uniform(EndTransitions, 0.1, random);
        Initializers.Uniform(Transitions, 0.1, random);
    }

    /// <summary>Requires emissions [T, B, K] with T, B positive, lengths in [0, T] and finite scores on real steps.</summary>
    private (int Steps, int Batch) CheckEmissions(Tensor emissions, ReadOnlySpan<int> lengths, string name = "emissions")
    {
        ArgumentNullException.ThrowIfNull(emissions, name);
        if (emissions.Rank != 3 || emissions.Dim(0) == 0 || emissions.Dim(1) == 0 || emissions.Dim(2) != ClassCount)
            ThrowHelper.Argument(name, emissions.ToString(), $"it must have shape [T, B, K = {ClassCount}] with T and B positive");
        int t = emissions.Dim(0), b = emissions.Dim(1);
        LayerChecks.Length(lengths.Length, b, nameof(lengths), "B (one per sequence)");
        ReadOnlySpan<float> e = emissions.Span;
        for (int j = 0; j < b; j++)
        {
            if ((uint)lengths[j] > (uint)t) ThrowHelper.OutOfRange($"lengths[{j}]", lengths[j], $"it must be in [0, {t}] (T, the steps of '{name}')");
            for (int step = 0; step < lengths[j]; step++)
            {
                int row = (step * b + j) * ClassCount;
                for (int k = 0; k < ClassCount; k++)
                {
                    if (!float.IsFinite(e[row + k]))
                        ThrowHelper.Argument($"{name}[{step}, {j}, {k}]", e[row + k], "emission scores on real steps must be finite");
                }
            }
        }
        return (t, b);
    }

    /// <summary>log(sum_i exp(x_i)), subtracting the largest term first; -infinity for an empty or all -infinity input.</summary>
    private static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++) if (x[i] > max) max = x[i];
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Exp(x[i] - max);
        return max + Math.Log(sum);
    }
}
