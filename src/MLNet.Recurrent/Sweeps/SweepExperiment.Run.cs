using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Sweeps;

public sealed partial class SweepExperiment<TOptions>
{
    /// <summary>
    /// Runs the sweep on a background thread until the trial count or the time budget is reached or
    /// <paramref name="cancellationToken"/> fires, and returns every trial with the best one and its model.
    /// </summary>
    /// <param name="cancellationToken">Stops the sweep: the trial in flight is canceled and the best finished trial is returned.</param>
    /// <exception cref="InvalidOperationException">The experiment lacks a pipeline, a dataset, a metric or a stopping rule (checked before any work).</exception>
    public Task<SweepResult<TOptions>> RunAsync(CancellationToken cancellationToken = default)
    {
        CheckReady();
        return Task.Run(() => Run(cancellationToken), CancellationToken.None);
    }

    private void CheckReady()
    {
        if (_pipeline is null && _objective is null)
            throw new InvalidOperationException("The sweep has nothing to train: call SetPipeline (or SetObjective) before RunAsync.");
        if (_pipeline is not null && _train is null)
            throw new InvalidOperationException("The sweep has no data: call SetDataset(train, validation) or SetDataset(data, folds) before RunAsync.");
        if (_metric is null)
            throw new InvalidOperationException("The sweep has no metric: call SetMetric (e.g. SweepMetric.Accuracy()) before RunAsync.");
        if (_maxTrials is null && _timeBudget is null)
            throw new InvalidOperationException("The sweep would never stop: call SetMaxTrials and/or SetTrainingTimeInSeconds before RunAsync.");
    }

    private SweepResult<TOptions> Run(CancellationToken cancellationToken)
    {
        SweepMetric metric = _metric!;
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource();
        if (_timeBudget is { } budget) timeout.CancelAfter(budget);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var log = new SweepLog(_mlContext);

        SweepParameter[] parameters = SearchSpace.Parameters.Where(p => p.Name != _halving?.Option).ToArray();
        PropertyInfo[] properties = parameters.Select(p => SearchSpace.Property(p.Name)).ToArray();
        ISweepTuner tuner = _halving is { } h ? new SuccessiveHalvingTuner(h.Min, h.Max, h.Eta) : new RandomSearchTuner();
        IReadOnlyList<(IDataView Train, IDataView Validation)> splits = _pipeline is null ? [] : Splits();
        log.Info(string.Create(CultureInfo.InvariantCulture,
            $"Sweep of {SweepSearchSpace<TOptions>.OptionsName}: {Describe(tuner)}, {metric}, seed {_seed}, " +
            $"{(_maxTrials is { } n ? $"at most {n} trials" : "no trial limit")}, {(_timeBudget is { } t ? $"{t.TotalSeconds:F0} s budget" : "no time limit")}; " +
            $"searching {string.Join("; ", parameters.Select(p => p.ToString()))}"));

        var random = new Random(_seed);
        var configurations = new List<Dictionary<string, object>>();
        var trials = new List<SweepTrial<TOptions>>();
        SweepTrial<TOptions>? best = null;
        ITransformer? bestModel = null;
        int failuresInARow = 0;
        while (!linked.IsCancellationRequested && (_maxTrials is not { } max || trials.Count < max))
        {
            TrialProposal proposal = tuner.Propose();
            int configurationId = proposal.ConfigurationId;
            if (configurationId == 0)
            {
                configurations.Add(configurations.Count == 0 ? BaseValues(parameters, properties) : Draw(parameters, random));
                configurationId = configurations.Count;
            }
            (SweepTrial<TOptions> trial, ITransformer? model) = RunTrial(trials.Count + 1, configurationId, proposal,
                configurations[configurationId - 1], properties, splits, linked.Token);
            trials.Add(trial);
            if (trial.Status == SweepTrialStatus.Completed && (best is null || metric.IsBetter(trial.Metric, best.Metric)))
                (best, bestModel) = (trial, model);
            double? score = trial.Status == SweepTrialStatus.Completed
                ? (metric.Direction == SweepDirection.Maximize ? trial.Metric : -trial.Metric) : null;
            tuner.Report(proposal, configurationId, score);
            log.Info(SweepTable.Line(trial, metric, isBest: ReferenceEquals(trial, best)));
            _progress?.Report(trial);
            failuresInARow = trial.Status == SweepTrialStatus.Failed ? failuresInARow + 1 : 0;
            if (failuresInARow == MaxConsecutiveFailures)
            {
                log.Warning($"Sweep stopped: the last {MaxConsecutiveFailures} trials failed; the last one with {trial.Error}");
                break;
            }
        }
        bool canceled = cancellationToken.IsCancellationRequested;
        log.Info(best is null
            ? $"Sweep ended{(canceled ? " (canceled)" : "")} after {trials.Count} trials with none completed."
            : string.Create(CultureInfo.InvariantCulture,
                $"Sweep ended{(canceled ? " (canceled)" : "")} after {trials.Count} trials in {clock.Elapsed.TotalSeconds:F1} s; best: trial {best.Id}, {metric.Name} {best.Metric:G6}."));
        return new SweepResult<TOptions>(trials, best, bestModel, _pipeline is null ? null : _train!.Schema, metric, canceled, clock.Elapsed);
    }

    private (SweepTrial<TOptions> Trial, ITransformer? Model) RunTrial(int id, int configurationId, TrialProposal proposal,
        Dictionary<string, object> values, PropertyInfo[] properties, IReadOnlyList<(IDataView Train, IDataView Validation)> splits,
        CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        TOptions options = OptionsAccess.Clone(_baseOptions);
        ITransformer? model = null;
        SweepTrialStatus status;
        double metric = double.NaN;
        string? error = null;
        try
        {
            foreach (PropertyInfo property in properties) OptionsAccess.Set(options, property, values[property.Name]);
            if (proposal.Budget is long budget) SetBudget(options, budget);
            if (options is RecurrentTrainerOptions trainer)
            {
                trainer.Seed ??= _seed;
                trainer.CancellationToken = token;
            }
            token.ThrowIfCancellationRequested();
            metric = _objective is { } objective ? objective(options, token) : FitAndScore(options, splits, token, out model);
            if (token.IsCancellationRequested) (status, metric, model) = (SweepTrialStatus.Canceled, double.NaN, null);
            else if (double.IsNaN(metric)) (status, error, model) = (SweepTrialStatus.Failed, $"The metric {_metric!.Name} was NaN.", null);
            else status = SweepTrialStatus.Completed;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            (status, metric, model) = (SweepTrialStatus.Canceled, double.NaN, null);
        }
        catch (Exception e)
        {
            (status, metric, model, error) = (SweepTrialStatus.Failed, double.NaN, null, $"{e.GetType().Name}: {e.Message}");
        }
        var trial = new SweepTrial<TOptions>(id, configurationId, proposal.Rung, proposal.Budget, options,
            values.AsReadOnly(), status, metric, error, clock.Elapsed);
        return (trial, model);
    }

    private double FitAndScore(TOptions options, IReadOnlyList<(IDataView Train, IDataView Validation)> splits,
        CancellationToken token, out ITransformer? model)
    {
        model = null;
        double sum = 0;
        foreach ((IDataView train, IDataView validation) in splits)
        {
            ITransformer fitted = _pipeline!(options).Fit(train);
            token.ThrowIfCancellationRequested(); // a canceled fit returns early: do not score a half-trained model
            sum += _metric!.Evaluate(_mlContext, fitted.Transform(validation));
            model ??= fitted;
        }
        return sum / splits.Count;
    }

    private IReadOnlyList<(IDataView Train, IDataView Validation)> Splits() => _folds == 0
        ? [(_train!, _validation!)]
        : _mlContext.Data.CrossValidationSplit(_train!, _folds, seed: _seed).Select(f => (f.TrainSet, f.TestSet)).ToArray();

    private void SetBudget(TOptions options, long budget)
    {
        PropertyInfo property = SearchSpace.Property(_halving!.Value.Option);
        OptionsAccess.Set(options, property, property.PropertyType == typeof(int) ? (object)(int)budget : budget);
    }

    /// <summary>The first configuration: the base options' values, with fixed options at their value.</summary>
    private Dictionary<string, object> BaseValues(SweepParameter[] parameters, PropertyInfo[] properties)
    {
        var values = new Dictionary<string, object>(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
            values[parameters[i].Name] = parameters[i].Kind == SweepParameterKind.Fixed
                ? parameters[i].Default! : properties[i].GetValue(_baseOptions)!;
        return values;
    }

    private static Dictionary<string, object> Draw(SweepParameter[] parameters, Random random)
    {
        var values = new Dictionary<string, object>(parameters.Length);
        foreach (SweepParameter parameter in parameters) values[parameter.Name] = parameter.Sample(random);
        return values;
    }

    private string Describe(ISweepTuner tuner) => tuner is SuccessiveHalvingTuner halving
        ? $"successive halving over {_halving!.Value.Option} (rungs {string.Join(", ", halving.Budgets)}, eta {_halving.Value.Eta})"
        : "random search";
}
