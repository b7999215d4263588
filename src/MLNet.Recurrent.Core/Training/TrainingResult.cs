namespace MLNet.Recurrent.Core.Training;

/// <summary>How a training run ended.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Epochs">Epochs started.</param>
/// <param name="BestValidation">The best validation result, whose weights the network holds at the end; null without validation.</param>
/// <param name="StoppedEarly">Whether early stopping ended the run.</param>
/// <param name="Canceled">Whether cancellation ended the run (the network holds the best weights so far).</param>
/// <param name="History">Every evaluation, in order.</param>
public sealed record TrainingResult(
    long Steps, int Epochs, EvaluationResult? BestValidation, bool StoppedEarly, bool Canceled,
    IReadOnlyList<TrainingProgress> History)
{
    /// <summary>
    /// When the run was interrupted (canceled, or out of time), its state at that moment (the weights before the
    /// best ones were restored); pass it to the trainer's <c>Resume</c> to continue. Null when the run finished.
    /// </summary>
    public TrainingCheckpoint? Checkpoint { get; init; }

    /// <summary>Whether the run stopped because its time budget (<see cref="TrainingOptions.MaxDuration"/>) was spent.</summary>
    public bool TimedOut { get; init; }
}
