namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Thrown when a loss or gradient becomes NaN or infinite. The step that produced it was not applied, so the
/// network keeps the last good weights.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for step <paramref name="step"/>.</summary>
    public TrainingDivergedException(long step, string what, double value)
        : base($"Training diverged at step {step}: the {what} was {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}. " +
               "The step was not applied; the network keeps the last good weights. Try a lower learning rate or gradient clipping.")
    {
        Step = step;
    }

    /// <summary>The step whose loss or gradient was not finite.</summary>
    public long Step { get; }
}
