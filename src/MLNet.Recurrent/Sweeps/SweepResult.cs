using Microsoft.ML;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// What <see cref="SweepExperiment{TOptions}.RunAsync"/> returns: every trial in the order it ran, the best completed
/// one, and the best trial's fitted model, ready for <c>mlContext.Model.Save(result.BestModel, result.InputSchema, path)</c>.
/// </summary>
/// <typeparam name="TOptions">The component's options.</typeparam>
public sealed class SweepResult<TOptions> where TOptions : class
{
    internal SweepResult(IReadOnlyList<SweepTrial<TOptions>> trials, SweepTrial<TOptions>? bestTrial, ITransformer? bestModel,
        DataViewSchema? inputSchema, SweepMetric metric, bool wasCanceled, TimeSpan elapsed)
    {
        Trials = trials;
        BestTrial = bestTrial;
        BestModel = bestModel;
        InputSchema = inputSchema;
        Metric = metric;
        WasCanceled = wasCanceled;
        Elapsed = elapsed;
    }

    /// <summary>Every trial, completed, failed or canceled, in the order they ran.</summary>
    public IReadOnlyList<SweepTrial<TOptions>> Trials { get; }

    /// <summary>
    /// The completed trial with the best metric (the earliest of equals), whatever its rung: every trial is scored on
    /// the same validation rows. Null when no trial completed.
    /// </summary>
    public SweepTrial<TOptions>? BestTrial { get; }

    /// <summary>The best trial's options, or null when no trial completed.</summary>
    public TOptions? BestOptions => BestTrial?.Options;

    /// <summary>
    /// The pipeline the best trial fitted (on the training rows; with k folds, the model of the first fold), or null
    /// when no trial completed or the experiment ran an objective delegate rather than a pipeline.
    /// </summary>
    public ITransformer? BestModel { get; }

    /// <summary>The schema of the rows the models were fitted on, for <c>Model.Save</c>; null for an objective delegate.</summary>
    public DataViewSchema? InputSchema { get; }

    /// <summary>The metric the sweep optimized.</summary>
    public SweepMetric Metric { get; }

    /// <summary>Whether the caller's cancellation token stopped the sweep (the result then holds the trials finished before).</summary>
    public bool WasCanceled { get; }

    /// <summary>The wall time of the whole sweep.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The trial table as plain text (see <see cref="SweepTable"/>).</summary>
    public string ToTable() => SweepTable.Format(this);
}
