using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Adam, exactly as PyTorch 1.13's <c>torch.optim.Adam</c>:
/// <c>g = grad + weight_decay * p</c>; <c>m = beta1 * m + (1 - beta1) * g</c>; <c>v = beta2 * v + (1 - beta2) * g * g</c>;
/// (AMSGrad: <c>vmax = max(vmax, v)</c>, used instead of <c>v</c>);
/// <c>p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)</c>.
/// <see cref="AdamW"/> decouples the weight decay instead.
/// </summary>
public class Adam : Optimizer
{
    private readonly bool _decoupled;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="beta1">The decay of the running mean of the gradient.</param>
    /// <param name="beta2">The decay of the running mean of its square.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="amsGrad">Whether to use the running maximum of the second moment (AMSGrad).</param>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, bool amsGrad = false)
        : this(learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupled: false)
    {
    }

    private protected Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool amsGrad, bool decoupled)
        : base(learningRate, amsGrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"])
    {
        if (!(beta1 >= 0 && beta1 < 1)) ThrowHelper.OutOfRange(nameof(beta1), beta1, "it must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) ThrowHelper.OutOfRange(nameof(beta2), beta2, "it must be in [0, 1)");
        ThrowHelper.ThrowIfNegativeOrNotFinite(epsilon, nameof(epsilon));
        ThrowHelper.ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        AmsGrad = amsGrad;
        _decoupled = decoupled;
    }

    /// <inheritdoc/>
    public override string Kind => "Adam";

    /// <summary>The decay of the running mean of the gradient.</summary>
    public double Beta1 { get; }

    /// <summary>The decay of the running mean of the squared gradient.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Epsilon { get; }

    /// <summary>The weight decay: an L2 penalty added to the gradient (Adam) or a decoupled shrink of the weights (AdamW).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the running maximum of the second moment is used (AMSGrad).</summary>
    public bool AmsGrad { get; }

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, long step)
    {
        ReadOnlySpan<float> g;
        if (_decoupled)
        {
            if (WeightDecay != 0) TensorPrimitives.Multiply(values, (float)(1 - LearningRate * WeightDecay), values);
            g = gradients;
        }
        else
        {
            g = WithWeightDecay(values, gradients, WeightDecay);
        }
        Span<float> mean = State(0), square = State(1), work = Scratch(1);

        TensorPrimitives.Multiply(mean, (float)Beta1, mean);
        TensorPrimitives.MultiplyAdd(g, (float)(1 - Beta1), mean, mean);
        TensorPrimitives.Multiply(square, (float)Beta2, square);
        TensorPrimitives.Multiply(g, g, work);
        TensorPrimitives.MultiplyAdd(work, (float)(1 - Beta2), square, square);

        // PyTorch computes the bias corrections in double (Python floats) and applies them as float32 scalars.
        double stepSize = LearningRate / (1 - Math.Pow(Beta1, step));
        double correction2 = Math.Sqrt(1 - Math.Pow(Beta2, step));
        Span<float> second = square;
        if (AmsGrad)
        {
            second = State(2);
            TensorPrimitives.Max(second, square, second);
        }
        TensorPrimitives.Sqrt(second, work);
        TensorPrimitives.Divide(work, (float)correction2, work);
        TensorPrimitives.Add(work, (float)Epsilon, work);
        TensorPrimitives.Divide(mean, work, work);
        TensorPrimitives.MultiplyAdd(work, (float)-stepSize, values, values);
    }
}
