namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// AdamW, exactly as PyTorch 1.13's <c>torch.optim.AdamW</c>: the weights first shrink by
/// <c>p *= 1 - lr * weight_decay</c> (decoupled weight decay), then take the <see cref="Adam"/> step on the raw gradient.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="beta1">The decay of the running mean of the gradient.</param>
    /// <param name="beta2">The decay of the running mean of its square.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">The decoupled weight decay (PyTorch's default 0.01).</param>
    /// <param name="amsGrad">Whether to use the running maximum of the second moment (AMSGrad).</param>
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 1e-2, bool amsGrad = false)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupled: true)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "AdamW";
}
