using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// The shape and hyperparameters of an <see cref="EchoStateNetwork"/>: a fixed random leaky reservoir
/// <c>x[t+1] = (1 - a) x[t] + a tanh(W_in u[t+1] + W x[t] + W_fb y[t] + b)</c> and a ridge readout
/// <c>y[t] = W_out [1; x[t]]</c>. The defaults follow ReservoirPy's <c>Reservoir</c> and <c>Ridge</c> nodes
/// (connectivity 0.1, Bernoulli +-1 input weights and bias, normal recurrent weights).
/// </summary>
public sealed class EchoStateNetworkOptions
{
    /// <summary>D: input features per step; must be positive.</summary>
    public int InputSize { get; init; } = 1;

    /// <summary>K: outputs per step; must be positive. A forecaster has K = D (it predicts the next input).</summary>
    public int OutputSize { get; init; } = 1;

    /// <summary>N: reservoir units; must be positive.</summary>
    public int ReservoirSize { get; init; } = 100;

    /// <summary>The spectral radius W is rescaled to (its largest eigenvalue modulus); finite and positive.</summary>
    public double SpectralRadius { get; init; } = 0.9;

    /// <summary>The probability that an entry of W is nonzero (drawn from N(0, 1) before rescaling); in (0, 1].</summary>
    public double Connectivity { get; init; } = 0.1;

    /// <summary>The probability that an entry of W_in (and of b and W_fb) is nonzero; in (0, 1].</summary>
    public double InputConnectivity { get; init; } = 0.1;

    /// <summary>The magnitude of the nonzero input weights (each +-InputScaling); finite, zero or positive.</summary>
    public double InputScaling { get; init; } = 1;

    /// <summary>The magnitude of the nonzero biases (each +-BiasScaling); finite, zero or positive.</summary>
    public double BiasScaling { get; init; } = 1;

    /// <summary>
    /// The magnitude of the nonzero output-feedback weights W_fb (each +-FeedbackScaling); 0 (the default) means no
    /// feedback. With feedback, training feeds the previous target back (teacher forcing) and prediction feeds the
    /// previous output.
    /// </summary>
    public double FeedbackScaling { get; init; }

    /// <summary>a: the leak rate; in (0, 1]. 1 is a plain (non-leaky) reservoir.</summary>
    public double LeakRate { get; init; } = 1;

    /// <summary>The ridge penalty lambda of the readout, on every weight but the bias; finite, zero or positive.</summary>
    public double Ridge { get; init; } = 1e-6;

    /// <summary>
    /// Whether the readout also sees the current input: <c>y[t] = W_out [1; u[t]; x[t]]</c> (Jaeger's original ESN)
    /// instead of <c>W_out [1; x[t]]</c> (ReservoirPy's default). A forecaster of a slowly moving series then reproduces
    /// persistence exactly and the reservoir only has to learn the change.
    /// </summary>
    public bool ReadoutIncludesInput { get; init; }

    /// <summary>F: the readout's features, 1 + N, or 1 + D + N when <see cref="ReadoutIncludesInput"/>.</summary>
    public int ReadoutFeatures => 1 + (ReadoutIncludesInput ? InputSize : 0) + ReservoirSize;

    /// <summary>Steps at the start of each training series whose states are discarded (the reservoir forgets its zero start).</summary>
    public int Washout { get; init; }

    /// <summary>The seed of every random weight: a seed gives the same reservoir on every machine.</summary>
    public int Seed { get; init; }

    /// <summary>Whether the reservoir has output feedback (<see cref="FeedbackScaling"/> &gt; 0).</summary>
    public bool HasFeedback => FeedbackScaling > 0;

    /// <summary>Throws if an option is out of range, naming it and its value.</summary>
    public void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(InputSize, nameof(InputSize));
        ThrowHelper.ThrowIfNotPositive(OutputSize, nameof(OutputSize));
        ThrowHelper.ThrowIfNotPositive(ReservoirSize, nameof(ReservoirSize));
        if (!(SpectralRadius > 0) || double.IsInfinity(SpectralRadius))
            ThrowHelper.OutOfRange(nameof(SpectralRadius), SpectralRadius, "it must be a finite positive number (around 1: below 1 for short memory, above for long)");
        Probability(Connectivity, nameof(Connectivity));
        Probability(InputConnectivity, nameof(InputConnectivity));
        ThrowHelper.ThrowIfNegativeOrNotFinite(InputScaling, nameof(InputScaling));
        ThrowHelper.ThrowIfNegativeOrNotFinite(BiasScaling, nameof(BiasScaling));
        ThrowHelper.ThrowIfNegativeOrNotFinite(FeedbackScaling, nameof(FeedbackScaling));
        if (!(LeakRate > 0 && LeakRate <= 1)) ThrowHelper.OutOfRange(nameof(LeakRate), LeakRate, "it must be in (0, 1]");
        ThrowHelper.ThrowIfNegativeOrNotFinite(Ridge, nameof(Ridge));
        ThrowHelper.ThrowIfNegative(Washout, nameof(Washout));
    }

    private static void Probability(double value, string name)
    {
        if (!(value > 0 && value <= 1)) ThrowHelper.OutOfRange(name, value, "it must be a probability in (0, 1]");
    }
}
