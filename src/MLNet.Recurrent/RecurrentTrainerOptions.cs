using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent;

/// <summary>
/// What every trained MLNet.Recurrent component's <c>Options</c> shares: the seed, the thread limit, progress and
/// cancellation. The same rules hold for every component:
/// <list type="bullet">
/// <item><see cref="Seed"/> null draws the seed from the <c>MLContext</c>, so <c>new MLContext(seed)</c> gives the same model.</item>
/// <item><see cref="Threads"/> limits the matrix products of this <c>Fit</c> only (other fits running at the same time keep theirs); results do not depend on it.</item>
/// <item><see cref="CancellationToken"/> stops training at the next update and <c>Fit</c> returns the model with the best
/// weights so far (its training summary says it was canceled): no trained work is lost.
/// <c>MLContext.CancelExecution()</c> instead aborts the whole pipeline's <c>Fit</c> with an <see cref="OperationCanceledException"/>, as it does for ML.NET's own trainers.</item>
/// </list>
/// The options worth searching carry <c>Microsoft.ML.SearchSpace</c> attributes (<c>Range</c>, <c>Choice</c>,
/// <c>BooleanChoice</c>), read by <see cref="Sweeps.SweepExperiment{TOptions}"/> (and by AutoML's <c>SearchSpace&lt;T&gt;</c>).
/// </summary>
public abstract class RecurrentTrainerOptions
{
    /// <summary>Seeds the weights, the validation split, shuffling and dropout; null draws it from the <c>MLContext</c>.</summary>
    public int? Seed { get; set; }

    /// <summary>The most threads the engine's matrix products use during this <c>Fit</c>; null leaves the process default.</summary>
    public int? Threads { get; set; }

    /// <summary>Receives every progress report (and every evaluation), on the training thread.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Stops training at the next update; <c>Fit</c> then returns the model with the best weights so far.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks the shared options, naming the first wrong one and its value; components add their own checks.</summary>
    internal virtual void Validate()
    {
        if (Threads is <= 0) ThrowHelper.OutOfRange(nameof(Threads), Threads, "it must be positive, or null to leave the thread count as it is");
    }

    /// <summary>A shallow copy, so later changes to the caller's object do not change an estimator.</summary>
    internal RecurrentTrainerOptions Clone() => (RecurrentTrainerOptions)MemberwiseClone();
}
