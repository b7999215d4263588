using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
        Span<float> mean = State(0), square = State(1);
        // PyTorch computes the bias corrections in double (Python floats) and applies them as float32 scalars.
        double stepSize = LearningRate / (1 - Math.Pow(Beta1, step));
        double correction2 = Math.Sqrt(1 - Math.Pow(Beta2, step));
        if (!AmsGrad)
        {
            FusedUpdate(values, g, mean, square, (float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2),
                (float)correction2, (float)Epsilon, (float)-stepSize);
            return;
        }
        Span<float> work = Scratch(1);
        TensorPrimitives.Multiply(mean, (float)Beta1, mean);
        TensorPrimitives.MultiplyAdd(g, (float)(1 - Beta1), mean, mean);
        TensorPrimitives.Multiply(square, (float)Beta2, square);
        TensorPrimitives.Multiply(g, g, work);
        TensorPrimitives.MultiplyAdd(work, (float)(1 - Beta2), square, square);
        Span<float> second = State(2);
        TensorPrimitives.Max(second, square, second);
        TensorPrimitives.Sqrt(second, work);
        TensorPrimitives.Divide(work, (float)correction2, work);
        TensorPrimitives.Add(work, (float)Epsilon, work);
        TensorPrimitives.Divide(mean, work, work);
        TensorPrimitives.MultiplyAdd(work, (float)-stepSize, values, values);
    }

    /// <summary>
    /// The update without AMSGrad in one pass over the parameters instead of nine. Every operation is a separately
    /// rounded IEEE multiply, add, divide or square root in the order of the nine passes (no fused multiply-add), so
    /// the results are the same bits at any vector width.
    /// </summary>
    private static void FusedUpdate(Span<float> values, ReadOnlySpan<float> g, Span<float> mean, Span<float> square,
        float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float correction2, float epsilon, float negativeStep)
    {
        int i = 0, n = values.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var b1 = Vector256.Create(beta1);
            var c1 = Vector256.Create(oneMinusBeta1);
            var b2 = Vector256.Create(beta2);
            var c2 = Vector256.Create(oneMinusBeta2);
            var corr = Vector256.Create(correction2);
            var eps = Vector256.Create(epsilon);
            var lr = Vector256.Create(negativeStep);
            for (; i + 8 <= n; i += 8)
            {
                var gi = Vector256.Create(g.Slice(i, 8));
                var m = Vector256.Create(mean.Slice(i, 8)) * b1;
                m = gi * c1 + m;
                var v = Vector256.Create(square.Slice(i, 8)) * b2;
                v = gi * gi * c2 + v;
                var w = m / (Vector256.Sqrt(v) / corr + eps);
                var p = w * lr + Vector256.Create(values.Slice(i, 8));
                m.CopyTo(mean.Slice(i, 8));
                v.CopyTo(square.Slice(i, 8));
                p.CopyTo(values.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float m = mean[i] * beta1;
            m = g[i] * oneMinusBeta1 + m;
            float v = square[i] * beta2;
            v = g[i] * g[i] * oneMinusBeta2 + v;
            mean[i] = m;
            square[i] = v;
            values[i] = m / (MathF.Sqrt(v) / correction2 + epsilon) * negativeStep + values[i];
        }
    }
}
