using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// A linear warm-up to a peak rate followed by a cosine decay to a minimum rate, held after the last step:
/// <c>rate(t) = peak * (t + 1) / warmup</c> for <c>t &lt; warmup</c>;
/// <c>rate(t) = min + (peak - min) * (1 + cos(pi * (t - warmup) / (total - warmup))) / 2</c> for
/// <c>warmup &lt;= t &lt; total</c>; <c>rate(t) = min</c> from <c>total</c> on.
/// </summary>
public sealed class WarmupCosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="peakRate">The rate reached at the end of the warm-up.</param>
    /// <param name="warmupSteps">The length of the linear warm-up; zero for none.</param>
    /// <param name="totalSteps">The step at which the decay reaches <paramref name="minimumRate"/>; more than <paramref name="warmupSteps"/>.</param>
    /// <param name="minimumRate">The rate at the end of the decay; at most <paramref name="peakRate"/>.</param>
    public WarmupCosineSchedule(double peakRate, long warmupSteps, long totalSteps, double minimumRate = 0)
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(peakRate, nameof(peakRate));
        ThrowHelper.ThrowIfNegativeOrNotFinite(minimumRate, nameof(minimumRate));
        if (warmupSteps < 0) ThrowHelper.OutOfRange(nameof(warmupSteps), warmupSteps, "it must be zero or positive");
        if (totalSteps <= warmupSteps) ThrowHelper.OutOfRange(nameof(totalSteps), totalSteps, $"it must exceed warmupSteps ({warmupSteps})");
        if (minimumRate > peakRate) ThrowHelper.OutOfRange(nameof(minimumRate), minimumRate, $"it must not exceed peakRate ({ThrowHelper.Show(peakRate)})");
        PeakRate = peakRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinimumRate = minimumRate;
    }

    /// <summary>The rate at the end of the warm-up.</summary>
    public double PeakRate { get; }

    /// <summary>The length of the warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>The step from which the rate stays at <see cref="MinimumRate"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>The rate at the end of the decay.</summary>
    public double MinimumRate { get; }

    /// <inheritdoc/>
    public double Rate(long step)
    {
        if (step < 0) ThrowHelper.OutOfRange(nameof(step), step, "it must be zero or positive");
        // (t + 1) / warmup, so the first step already learns and step warmup - 1 reaches the peak.
        if (step < WarmupSteps) return PeakRate * (step + 1) / WarmupSteps;
        if (step >= TotalSteps) return MinimumRate;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinimumRate + (PeakRate - MinimumRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
