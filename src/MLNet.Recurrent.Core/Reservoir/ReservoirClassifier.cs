using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Reservoir.Internals;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// Sequence classification with a fixed reservoir: each sequence of T frames of D features runs through an
/// <see cref="EchoStateReservoir"/> from the zero state, its states are pooled (<see cref="ReservoirPooling"/>) into
/// <c>z = [1; pooled]</c>, and a readout maps z to K class scores: ridge regression onto one-hot targets (one linear
/// solve) or multinomial logistic regression. Nothing recurrent is trained, so fitting is one pass plus a solve.
/// </summary>
public sealed partial class ReservoirClassifier
{
    private readonly double[] _weights; // [K, 1 + N]

    private ReservoirClassifier(EchoStateNetworkOptions options, EchoStateReservoir reservoir, int classCount, ReservoirPooling pooling, ReservoirReadout readout, int washout, double[] weights)
    {
        Options = options;
        Reservoir = reservoir;
        ClassCount = classCount;
        Pooling = pooling;
        Readout = readout;
        Washout = washout;
        _weights = weights;
    }

    /// <summary>The options the reservoir was built with (<c>OutputSize</c> = K).</summary>
    public EchoStateNetworkOptions Options { get; }

    /// <summary>The fixed reservoir.</summary>
    public EchoStateReservoir Reservoir { get; }

    /// <summary>K: the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>How states are summarized.</summary>
    public ReservoirPooling Pooling { get; }

    /// <summary>The readout kind.</summary>
    public ReservoirReadout Readout { get; }

    /// <summary>Steps whose states mean pooling skips (when the sequence is longer).</summary>
    public int Washout { get; }

    /// <summary>The readout weights, <c>[K, 1 + N]</c> row-major (column 0 the bias).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>
    /// Fits on labelled sequences. <paramref name="options"/> gives the reservoir (<c>InputSize</c> = D, <c>OutputSize</c> = K,
    /// <c>Ridge</c> the readout's penalty, <c>Washout</c> for mean pooling); feedback is not used.
    /// </summary>
    /// <param name="options">The reservoir and readout options.</param>
    /// <param name="sequences">Each <c>[T_i, D]</c> row-major, finite, T_i at least 1.</param>
    /// <param name="labels">Each in [0, K).</param>
    /// <param name="pooling">Mean or last state.</param>
    /// <param name="readout">Ridge or logistic.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static ReservoirClassifier Fit(EchoStateNetworkOptions options, IReadOnlyList<double[]> sequences, IReadOnlyList<int> labels,
        ReservoirPooling pooling = ReservoirPooling.Mean, ReservoirReadout readout = ReservoirReadout.Ridge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(labels);
        options.Validate();
        if (options.HasFeedback) ThrowHelper.Argument(nameof(options.FeedbackScaling), options.FeedbackScaling, "a classifier has no output to feed back; it must be 0");
        if (!Enum.IsDefined(pooling)) ThrowHelper.OutOfRange(nameof(pooling), pooling, "it must be Mean or Last");
        if (!Enum.IsDefined(readout)) ThrowHelper.OutOfRange(nameof(readout), readout, "it must be Ridge or Logistic");
        if (sequences.Count != labels.Count) ThrowHelper.Argument(nameof(labels), $"{labels.Count} labels", $"there must be one per sequence ({sequences.Count})");
        if (sequences.Count == 0) ThrowHelper.Argument(nameof(sequences), "empty", "at least one labelled sequence is needed");
        int k = options.OutputSize;
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0 || labels[i] >= k) ThrowHelper.OutOfRange($"labels[{i}]", labels[i], $"a class must be in [0, {k})");
        var reservoir = EchoStateReservoir.Create(options);
        int f = 1 + reservoir.Size;
        var features = new double[sequences.Count][];
        for (int i = 0; i < sequences.Count; i++)
        {
            if ((i & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            features[i] = Features(reservoir, sequences[i], pooling, options.Washout, $"sequences[{i}]");
        }
        double[] weights = readout == ReservoirReadout.Ridge
            ? RidgeWeights(features, labels, k, f, options.Ridge)
            : LogisticWeights(features, labels, k, f, options.Ridge);
        return new ReservoirClassifier(options, reservoir, k, pooling, readout, options.Washout, weights);
    }

    /// <summary>
    /// The K class scores of one sequence (ridge: regression outputs; logistic: probabilities). An empty sequence
    /// scores as a zero pooled state (the readout's bias).
    /// </summary>
    /// <param name="sequence"><c>[T, D]</c> row-major, finite.</param>
    public double[] Scores(ReadOnlySpan<double> sequence)
    {
        double[] z = sequence.IsEmpty ? ZeroState() : Features(Reservoir, sequence, Pooling, Washout, nameof(sequence));
        int f = z.Length;
        var scores = new double[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            double s = 0;
            for (int j = 0; j < f; j++) s += _weights[c * f + j] * z[j];
            scores[c] = s;
        }
        if (Readout == ReservoirReadout.Logistic) Softmax(scores);
        return scores;
    }

    /// <summary>The class with the highest score.</summary>
    /// <param name="sequence"><c>[T, D]</c> row-major.</param>
    public int Predict(ReadOnlySpan<double> sequence)
    {
        double[] scores = Scores(sequence);
        int best = 0;
        for (int c = 1; c < scores.Length; c++) if (scores[c] > scores[best]) best = c;
        return best;
    }

    private double[] ZeroState()
    {
        var z = new double[1 + Reservoir.Size];
        z[0] = 1;
        return z;
    }

    private static double[] Features(EchoStateReservoir reservoir, ReadOnlySpan<double> sequence, ReservoirPooling pooling, int washout, string name)
    {
        int d = reservoir.InputSize, n = reservoir.Size;
        if (sequence.Length == 0 || sequence.Length % d != 0)
            ThrowHelper.Argument(name, $"length {sequence.Length}", $"it must hold one or more whole steps of {d} features");
        for (int i = 0; i < sequence.Length; i++)
            if (!double.IsFinite(sequence[i])) ThrowHelper.Argument(name, sequence[i], $"at step {i / d}, feature {i % d}, every value must be finite");
        int steps = sequence.Length / d;
        int skip = steps > washout ? washout : 0;
        var x = new double[n];
        var scratch = new double[n];
        var z = new double[1 + n];
        z[0] = 1;
        for (int t = 0; t < steps; t++)
        {
            reservoir.Update(x, sequence.Slice(t * d, d), [], scratch);
            if (pooling == ReservoirPooling.Mean && t >= skip)
                for (int i = 0; i < n; i++) z[1 + i] += x[i];
        }
        if (pooling == ReservoirPooling.Last) x.CopyTo(z, 1);
        else for (int i = 0; i < n; i++) z[1 + i] /= steps - skip;
        return z;
    }

    private static double[] RidgeWeights(double[][] features, IReadOnlyList<int> labels, int k, int f, double ridge)
    {
        var accumulator = new RidgeAccumulator(f, k);
        var target = new double[k];
        for (int i = 0; i < features.Length; i++)
        {
            Array.Clear(target);
            target[labels[i]] = 1;
            accumulator.Add(features[i], target);
        }
        return accumulator.Solve(ridge);
    }

    private static double[] LogisticWeights(double[][] features, IReadOnlyList<int> labels, int k, int f, double ridge)
    {
        int count = features.Length;
        var probabilities = new double[k];
        (double, Vector<double>) Objective(Vector<double> w)
        {
            double loss = 0;
            var gradient = new double[k * f];
            for (int i = 0; i < count; i++)
            {
                double[] z = features[i];
                for (int c = 0; c < k; c++)
                {
                    double s = 0;
                    for (int j = 0; j < f; j++) s += w[c * f + j] * z[j];
                    probabilities[c] = s;
                }
                Softmax(probabilities);
                loss -= Math.Log(Math.Max(probabilities[labels[i]], 1e-300));
                for (int c = 0; c < k; c++)
                {
                    double g = probabilities[c] - (c == labels[i] ? 1 : 0);
                    for (int j = 0; j < f; j++) gradient[c * f + j] += g * z[j];
                }
            }
            loss /= count;
            for (int i = 0; i < gradient.Length; i++) gradient[i] /= count;
            for (int c = 0; c < k; c++)
                for (int j = 1; j < f; j++) // the bias is not penalized
                {
                    loss += 0.5 * ridge * w[c * f + j] * w[c * f + j];
                    gradient[c * f + j] += ridge * w[c * f + j];
                }
            return (loss, Vector<double>.Build.Dense(gradient));
        }
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-6, 1e-10, 1e-10, 10, 500);
        MinimizationResult result;
        try
        {
            result = minimizer.FindMinimum(ObjectiveFunction.Gradient(Objective), Vector<double>.Build.Dense(k * f));
        }
        catch (MaximumIterationsException)
        {
            ThrowHelper.InvalidOperation("The logistic readout did not converge in 500 L-BFGS iterations; raise 'Ridge' or use the ridge readout.");
            return null!;
        }
        return result.MinimizingPoint.ToArray();
    }

    /// <summary>In place, max-subtracted.</summary>
    private static void Softmax(Span<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i] = Math.Exp(values[i] - max);
        for (int i = 0; i < values.Length; i++) values[i] /= sum;
    }
}
