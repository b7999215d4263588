using Microsoft.ML;
using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// A hyper-parameter sweep over a component's <typeparamref name="TOptions"/>, shaped like AutoML's <c>AutoMLExperiment</c>
/// but with no dependency beyond ML.NET: give it a pipeline factory (<see cref="SetPipeline"/>), a dataset
/// (<see cref="SetDataset(IDataView, IDataView)"/> or k folds), a metric (<see cref="SetMetric"/>), a stopping rule
/// (<see cref="SetTrainingTimeInSeconds"/> and/or <see cref="SetMaxTrials"/>) and a tuner (<see cref="SetRandomSearch"/>,
/// the default, or <see cref="SetSuccessiveHalving"/>), then <see cref="RunAsync"/>. The search space is read from the
/// options' <c>Microsoft.ML.SearchSpace</c> attributes and can be changed through <see cref="SearchSpace"/>.
/// </summary>
/// <remarks>
/// <para>The first configuration is the base options as given (the defaults unless you set some), so the table always
/// shows where the search started; every later one is drawn from the search space.</para>
/// <para>Reproducible: the seed (<see cref="SetSeed"/>) drives the configurations drawn and, when the base options leave
/// <c>Seed</c> null, is every trial's training seed; the same seed gives the same trials with the same metrics (a time
/// budget may only cut the list shorter).</para>
/// <para>Trials run one at a time, never side by side: each fit uses the cores through its options' <c>Threads</c> (null,
/// the default, lets the engine's matrix products use every core), so the machine is never oversubscribed.</para>
/// <para>A trial that throws is recorded as <see cref="SweepTrialStatus.Failed"/> with its message and the sweep goes on,
/// unless <see cref="MaxConsecutiveFailures"/> trials in a row failed: that is a broken pipeline, not an unlucky draw, and the
/// sweep stops (with a warning in the log) rather than fill its time budget with failures.
/// Canceling the token given to <see cref="RunAsync"/>, or reaching the time budget, stops the trial in flight (recorded as
/// <see cref="SweepTrialStatus.Canceled"/>, not scored) and returns the best trial finished so far.</para>
/// </remarks>
/// <typeparam name="TOptions">The component's options, e.g. <c>LstmSequenceClassifier.Options</c>.</typeparam>
public sealed partial class SweepExperiment<TOptions> where TOptions : class, new()
{
    private readonly MLContext _mlContext;
    private readonly TOptions _baseOptions;
    private Func<TOptions, IEstimator<ITransformer>>? _pipeline;
    private Func<TOptions, CancellationToken, double>? _objective;
    private IDataView? _train;
    private IDataView? _validation;
    private int _folds;
    private SweepMetric? _metric;
    private TimeSpan? _timeBudget;
    private int? _maxTrials;
    private int _seed;
    private (string Option, long Min, long Max, int Eta)? _halving;
    private IProgress<SweepTrial<TOptions>>? _progress;
    private bool _metricFromObjective;

    /// <summary>The sweep stops after this many failed trials in a row.</summary>
    public const int MaxConsecutiveFailures = 20;

    /// <summary>Creates an experiment in <paramref name="mlContext"/>.</summary>
    /// <param name="mlContext">The context the pipelines are fitted in; it also receives the sweep's log lines.</param>
    /// <param name="baseOptions">The options every trial starts from (copied); null starts from <c>new TOptions()</c>.
    /// Set the column names and anything not searched here.</param>
    public SweepExperiment(MLContext mlContext, TOptions? baseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        _mlContext = mlContext;
        _baseOptions = baseOptions is null ? new TOptions() : OptionsAccess.Clone(baseOptions);
    }

    /// <summary>The options searched, read from the attributes of <typeparamref name="TOptions"/>; change it before <see cref="RunAsync"/>.</summary>
    public SweepSearchSpace<TOptions> SearchSpace { get; } = new();

    /// <summary>Builds each trial's pipeline from its sampled options (e.g. tokenize, map keys, then the component).</summary>
    /// <param name="pipelineFactory">Called once per fit with the trial's options.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetPipeline(Func<TOptions, IEstimator<ITransformer>> pipelineFactory)
    {
        ArgumentNullException.ThrowIfNull(pipelineFactory);
        (_pipeline, _objective) = (pipelineFactory, null);
        if (_metricFromObjective) (_metric, _metricFromObjective) = (null, false);
        return this;
    }

    /// <summary>
    /// Scores each trial's options with <paramref name="objective"/> instead of fitting a pipeline: for searches that
    /// train and evaluate in their own way. No model is kept; <see cref="SetDataset(IDataView, IDataView)"/> and
    /// <see cref="SetMetric"/> are not needed.
    /// </summary>
    /// <param name="metricName">The figure's name, as tables show it.</param>
    /// <param name="direction">Whether larger or smaller is better.</param>
    /// <param name="objective">Returns the trial's figure; it should stop (return or throw <see cref="OperationCanceledException"/>) when the token fires.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetObjective(string metricName, SweepDirection direction, Func<TOptions, CancellationToken, double> objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _metric = SweepMetric.Custom(metricName, direction, static (_, _) =>
            throw new InvalidOperationException("A sweep run with SetObjective computes its figure in the objective."));
        (_objective, _pipeline, _metricFromObjective) = (objective, null, true);
        return this;
    }

    /// <summary>Fits every trial on <paramref name="train"/> and scores it on <paramref name="validation"/>.</summary>
    /// <param name="train">The rows the pipelines are fitted on.</param>
    /// <param name="validation">The rows the metric is computed on.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetDataset(IDataView train, IDataView validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        (_train, _validation, _folds) = (train, validation, 0);
        return this;
    }

    /// <summary>
    /// Scores every trial by k-fold cross-validation on <paramref name="data"/> (<c>Data.CrossValidationSplit</c>, seeded
    /// by the experiment's seed): the trial's metric is the mean over the folds.
    /// </summary>
    /// <param name="data">All rows.</param>
    /// <param name="folds">k, at least 2.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetDataset(IDataView data, int folds)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, $"'folds' was {folds}; cross-validation needs at least 2.");
        (_train, _validation, _folds) = (data, null, folds);
        return this;
    }

    /// <summary>The figure the sweep optimizes (see <see cref="SweepMetric"/>'s factories).</summary>
    /// <param name="metric">The metric and its direction.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetMetric(SweepMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        (_metric, _metricFromObjective) = (metric, false);
        return this;
    }

    /// <summary>Stops the sweep after this much wall time: the trial in flight is canceled and not scored.</summary>
    /// <param name="seconds">The budget in seconds, positive.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetTrainingTimeInSeconds(uint seconds)
    {
        if (seconds == 0) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "'seconds' was 0; the time budget must be positive.");
        _timeBudget = TimeSpan.FromSeconds(seconds);
        return this;
    }

    /// <summary>Stops the sweep after this many trials (each rung of successive halving counts as a trial).</summary>
    /// <param name="trials">The most trials, positive.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetMaxTrials(int trials)
    {
        if (trials <= 0) throw new ArgumentOutOfRangeException(nameof(trials), trials, $"'trials' was {trials}; it must be positive.");
        _maxTrials = trials;
        return this;
    }

    /// <summary>Seeds the configurations drawn and, when the base options leave <c>Seed</c> null, every trial's training (default 0).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetSeed(int seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Random search (the default): every trial draws a new configuration and trains it as drawn.</summary>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetRandomSearch()
    {
        _halving = null;
        return this;
    }

    /// <summary>
    /// Asynchronous successive halving (ASHA) over a budget option: new configurations train with
    /// <paramref name="minBudget"/>; among the trials finished at a rung, the top 1/<paramref name="reductionFactor"/> are
    /// trained again with <paramref name="reductionFactor"/> times the budget, up to <paramref name="maxBudget"/>. Most
    /// configurations thus cost a short fit and only the promising ones the full one. Each promotion fits from scratch.
    /// The budget option is removed from <see cref="SearchSpace"/>.
    /// </summary>
    /// <param name="budgetOption">The int or long option that sets the training length, e.g. "Epochs" or "Steps".</param>
    /// <param name="minBudget">The budget of rung 0, positive.</param>
    /// <param name="maxBudget">The budget of the top rung, at least <paramref name="minBudget"/>.</param>
    /// <param name="reductionFactor">eta, at least 2: each rung keeps 1/eta of the trials and multiplies the budget by eta.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetSuccessiveHalving(string budgetOption, long minBudget, long maxBudget, int reductionFactor = 3)
    {
        Type type = SearchSpace.Property(budgetOption).PropertyType;
        if (type != typeof(int) && type != typeof(long))
            throw new ArgumentException($"'{budgetOption}' is a {type.Name}; the budget option must be an int or long (epochs, steps).", nameof(budgetOption));
        if (minBudget <= 0) throw new ArgumentOutOfRangeException(nameof(minBudget), minBudget, $"'minBudget' was {minBudget}; it must be positive.");
        if (maxBudget < minBudget) throw new ArgumentOutOfRangeException(nameof(maxBudget), maxBudget, $"'maxBudget' was {maxBudget}; it must be at least minBudget ({minBudget}).");
        if (type == typeof(int) && maxBudget > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(maxBudget), maxBudget, $"'maxBudget' was {maxBudget}; '{budgetOption}' is an int.");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, $"'reductionFactor' was {reductionFactor}; it must be at least 2.");
        _halving = (budgetOption, minBudget, maxBudget, reductionFactor);
        SearchSpace.Remove(budgetOption);
        return this;
    }

    /// <summary>Receives every finished trial, on the sweep's thread, in order (e.g. to redraw a live table).</summary>
    /// <param name="progress">The receiver.</param>
    /// <returns>This experiment.</returns>
    public SweepExperiment<TOptions> SetProgress(IProgress<SweepTrial<TOptions>> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _progress = progress;
        return this;
    }
}
