
namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Where a run's batches come from and when it is scored: epochs of shuffled whole sequences, windows of a token
/// stream, pairs of sentences. <see cref="TrainingLoop{TBatch}"/> asks for a batch, takes a step on it, tells the
/// plan, and scores the validation data when the plan says so. A plan also stores and restores its position, so
/// a checkpoint resumes the same batches in the same order.
/// </summary>
/// <typeparam name="TBatch">The network's batch type.</typeparam>
public interface ITrainingPlan<TBatch>
{
    /// <summary>The plan's name, recorded in checkpoints: a checkpoint resumes only under the plan that wrote it.</summary>
    string Kind { get; }

    /// <summary>The number of steps the run will take if not stopped early (for schedules, progress and ETA).</summary>
    long TotalSteps { get; }

    /// <summary>The epoch being trained, counted from 1.</summary>
    int Epoch { get; }

    /// <summary>Whether there is validation data to score.</summary>
    bool HasValidation { get; }

    /// <summary>
    /// The values a checkpoint must have been written with (data sizes, batch size, seed, ...); a resume with any
    /// other value is refused by name.
    /// </summary>
    IReadOnlyList<(string Key, long Value)> Identity { get; }

    /// <summary>Prepares for a new run (the network at its starting weights, nothing read yet).</summary>
    void Start();

    /// <summary>Fills the next batch to train on; false when the plan is done.</summary>
    /// <param name="stepsTaken">The optimizer steps taken so far.</param>
    /// <param name="batch">The batch, valid until the next call.</param>
    bool TryNext(long stepsTaken, out TBatch batch);

    /// <summary>Called after the step on the batch from <see cref="TryNext"/>; returns whether to score validation now.</summary>
    /// <param name="step">The optimizer steps taken, this one included.</param>
    bool AfterStep(long step);

    /// <summary>Scores the validation data with dropout off.</summary>
    EvaluationResult Evaluate();

    /// <summary>Called once when the run ends, however it ends (the network then holds its final weights).</summary>
    void Finish();

    /// <summary>Records the plan's position (epoch, order, carried states, ...) in a checkpoint.</summary>
    void Save(TrainingCheckpoint checkpoint);

    /// <summary>Takes back what <see cref="Save"/> recorded; called after <see cref="Start"/>.</summary>
    void Restore(TrainingCheckpoint checkpoint);
}
