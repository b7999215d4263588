using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// The learning rate multiplied by <c>gamma</c> every <c>stepSize</c> steps, like PyTorch's <c>StepLR</c>:
/// <c>rate(t) = baseRate * gamma^floor(t / stepSize)</c>.
/// </summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseRate">The rate of the first <paramref name="stepSize"/> steps.</param>
    /// <param name="stepSize">How many steps pass between decays; positive.</param>
    /// <param name="gamma">The factor applied at each decay; finite, zero or positive.</param>
    public StepSchedule(double baseRate, int stepSize, double gamma = 0.1)
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(baseRate, nameof(baseRate));
        ThrowHelper.ThrowIfNotPositive(stepSize, nameof(stepSize));
        ThrowHelper.ThrowIfNegativeOrNotFinite(gamma, nameof(gamma));
        BaseRate = baseRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The rate before the first decay.</summary>
    public double BaseRate { get; }

    /// <summary>How many steps pass between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double Rate(long step)
    {
        if (step < 0) ThrowHelper.OutOfRange(nameof(step), step, "it must be zero or positive");
        return BaseRate * Math.Pow(Gamma, step / StepSize);
    }
}
