using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="rate">The learning rate; finite, zero or positive.</param>
    public ConstantSchedule(double rate)
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(rate, nameof(rate));
        BaseRate = rate;
    }

    /// <summary>The learning rate.</summary>
    public double BaseRate { get; }

    /// <inheritdoc/>
    public double Rate(long step)
    {
        if (step < 0) ThrowHelper.OutOfRange(nameof(step), step, "it must be zero or positive");
        return BaseRate;
    }
}
