namespace MLNet.Recurrent.Core.Training;

/// <summary>What a trainer reports after a step or an evaluation.</summary>
/// <param name="Epoch">The epoch (1-based; for a stream, how many times it has been read through, plus one).</param>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="TotalSteps">The planned number of steps, or 0 when unknown.</param>
/// <param name="Loss">The training loss of the last step (mean cross-entropy, nats).</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="TokensPerSecond">Targets processed per second over the run so far.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Validation">The validation result when this report follows an evaluation, otherwise null.</param>
public sealed record TrainingProgress(
    int Epoch, long Step, long TotalSteps, double Loss, double GradientNorm, double TokensPerSecond,
    TimeSpan Elapsed, EvaluationResult? Validation)
{
    /// <summary>The training loss in bits per target (for a character model: bits per character).</summary>
    public double BitsPerToken => Loss / Math.Log(2);

    /// <summary>The estimated time left, when the total is known.</summary>
    public TimeSpan? Remaining => TotalSteps > 0 && Step > 0
        ? TimeSpan.FromTicks((long)(Elapsed.Ticks * (double)(TotalSteps - Step) / Step))
        : null;
}
