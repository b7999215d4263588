using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Adagrad, exactly as PyTorch 1.13's <c>torch.optim.Adagrad</c>:
/// <c>g = grad + weight_decay * p</c>; <c>clr = lr / (1 + (step - 1) * lr_decay)</c>; <c>sum += g * g</c>;
/// <c>p -= clr * g / (sqrt(sum) + eps)</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="learningRateDecay">Divides the step size by <c>1 + (step - 1) * learningRateDecay</c>.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">The starting value of the sum of squared gradients.</param>
    /// <param name="epsilon">Added to the root of the sum for numerical stability.</param>
    public Adagrad(double learningRate = 1e-2, double learningRateDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double epsilon = 1e-10)
        : base(learningRate, "sum")
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(learningRateDecay, nameof(learningRateDecay));
        ThrowHelper.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        ThrowHelper.ThrowIfNegativeOrNotFinite(initialAccumulatorValue, nameof(initialAccumulatorValue));
        ThrowHelper.ThrowIfNegativeOrNotFinite(epsilon, nameof(epsilon));
        LearningRateDecay = learningRateDecay;
        WeightDecay = weightDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public override string Kind => "Adagrad";

    /// <summary>The decay of the step size per step.</summary>
    public double LearningRateDecay { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>The starting value of the sum of squared gradients.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Added to the root of the sum for numerical stability.</summary>
    public double Epsilon { get; }

    private protected override void InitializeState(int index, Span<float> array) => array.Fill((float)InitialAccumulatorValue);

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, long step)
    {
        double clr = LearningRate / (1 + (step - 1) * LearningRateDecay);
        ReadOnlySpan<float> g = WithWeightDecay(values, gradients, WeightDecay);
        Span<float> sum = State(0);
        Span<float> work = Scratch(1);
        TensorPrimitives.MultiplyAdd(g, g, sum, sum);
        TensorPrimitives.Sqrt(sum, work);
        TensorPrimitives.Add(work, (float)Epsilon, work);
        TensorPrimitives.Divide(g, work, work);
        TensorPrimitives.MultiplyAdd(work, (float)-clr, values, values);
    }
}
