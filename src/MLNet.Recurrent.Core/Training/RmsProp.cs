using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// RMSProp, exactly as PyTorch 1.13's <c>torch.optim.RMSprop</c>:
/// <c>g = grad + weight_decay * p</c>; <c>v = alpha * v + (1 - alpha) * g * g</c>;
/// centered: <c>a = alpha * a + (1 - alpha) * g</c>, <c>avg = sqrt(v - a * a) + eps</c>, else <c>avg = sqrt(v) + eps</c>;
/// with momentum: <c>buf = momentum * buf + g / avg</c>, <c>p -= lr * buf</c>; without: <c>p -= lr * g / avg</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="alpha">The smoothing constant of the running averages.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="momentum">The momentum factor; 0 for none.</param>
    /// <param name="centered">Whether to divide by the estimated variance instead of the raw second moment.</param>
    public RmsProp(double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false)
        : base(learningRate, StateNames(momentum, centered))
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(alpha, nameof(alpha));
        ThrowHelper.ThrowIfNegativeOrNotFinite(epsilon, nameof(epsilon));
        ThrowHelper.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        ThrowHelper.ThrowIfNegativeOrNotFinite(momentum, nameof(momentum));
        if (alpha > 1) ThrowHelper.OutOfRange(nameof(alpha), alpha, "it must be between 0 and 1");
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
    }

    /// <inheritdoc/>
    public override string Kind => "RMSprop";

    /// <summary>The smoothing constant of the running averages.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Epsilon { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether the gradient is normalized by its estimated variance.</summary>
    public bool Centered { get; }

    private static string[] StateNames(double momentum, bool centered) =>
        [.. (string[])["square_avg"], .. momentum > 0 ? ["momentum_buffer"] : (string[])[], .. centered ? ["grad_avg"] : (string[])[]];

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> g = WithWeightDecay(values, gradients, WeightDecay);
        Span<float> squareAverage = State(0);
        Span<float> average = Scratch(1);
        float decay = (float)Alpha, rest = (float)(1 - Alpha);

        TensorPrimitives.Multiply(squareAverage, decay, squareAverage);
        TensorPrimitives.Multiply(g, g, average);
        TensorPrimitives.MultiplyAdd(average, rest, squareAverage, squareAverage);
        if (Centered)
        {
            Span<float> gradAverage = State(Momentum > 0 ? 2 : 1);
            TensorPrimitives.Multiply(gradAverage, decay, gradAverage);
            TensorPrimitives.MultiplyAdd(g, rest, gradAverage, gradAverage);
            TensorPrimitives.Multiply(gradAverage, gradAverage, average);
            TensorPrimitives.Subtract(squareAverage, average, average);
            TensorPrimitives.Sqrt(average, average);
        }
        else
        {
            TensorPrimitives.Sqrt(squareAverage, average);
        }
        TensorPrimitives.Add(average, (float)Epsilon, average);
        TensorPrimitives.Divide(g, average, average);
        if (Momentum > 0)
        {
            Span<float> buffer = State(1);
            TensorPrimitives.Multiply(buffer, (float)Momentum, buffer);
            TensorPrimitives.Add(buffer, average, buffer);
            TensorPrimitives.MultiplyAdd(buffer, (float)-LearningRate, values, values);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(average, (float)-LearningRate, values, values);
        }
    }
}
