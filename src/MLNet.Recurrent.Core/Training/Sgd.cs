using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
/// exactly as PyTorch 1.13's <c>torch.optim.SGD</c>:
/// <c>g = grad + weight_decay * p</c>; <c>buf = g</c> on the first step, then <c>buf = momentum * buf + (1 - dampening) * g</c>;
/// <c>d = nesterov ? g + momentum * buf : buf</c> (or <c>g</c> without momentum); <c>p -= lr * d</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">The momentum factor; 0 for plain SGD.</param>
    /// <param name="dampening">The dampening of the momentum.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    public Sgd(double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(learningRate, momentum != 0 ? ["momentum_buffer"] : [])
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(momentum, nameof(momentum));
        ThrowHelper.ThrowIfNegativeOrNotFinite(dampening, nameof(dampening));
        ThrowHelper.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            ThrowHelper.Argument(nameof(nesterov), nesterov, $"Nesterov momentum needs momentum > 0 and dampening 0 (momentum was {ThrowHelper.Show(momentum)}, dampening {ThrowHelper.Show(dampening)})");
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public override string Kind => "SGD";

    /// <summary>The momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>The dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> d = WithWeightDecay(values, gradients, WeightDecay);
        if (Momentum != 0)
        {
            Span<float> buffer = State(0);
            if (step == 1)
            {
                d.CopyTo(buffer);
            }
            else
            {
                TensorPrimitives.Multiply(buffer, (float)Momentum, buffer);
                TensorPrimitives.MultiplyAdd(d, (float)(1 - Dampening), buffer, buffer);
            }
            if (Nesterov)
            {
                Span<float> look = Scratch(1);
                TensorPrimitives.MultiplyAdd(buffer, (float)Momentum, d, look);
                d = look;
            }
            else
            {
                d = buffer;
            }
        }
        TensorPrimitives.MultiplyAdd(d, (float)-LearningRate, values, values);
    }
}
