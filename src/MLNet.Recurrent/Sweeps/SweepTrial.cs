namespace MLNet.Recurrent.Sweeps;

/// <summary>One fit-and-score of a sweep: the options it used, its score, how long it took and how it ended.</summary>
/// <typeparam name="TOptions">The component's options.</typeparam>
public sealed class SweepTrial<TOptions> where TOptions : class
{
    internal SweepTrial(int id, int configurationId, int rung, long? budget, TOptions options,
        IReadOnlyDictionary<string, object> parameters, SweepTrialStatus status, double metric, string? error, TimeSpan duration)
    {
        Id = id;
        ConfigurationId = configurationId;
        Rung = rung;
        Budget = budget;
        Options = options;
        Parameters = parameters;
        Status = status;
        Metric = metric;
        Error = error;
        Duration = duration;
    }

    /// <summary>1, 2, 3, ... in the order the trials ran.</summary>
    public int Id { get; }

    /// <summary>
    /// The sampled configuration this trial trained, numbered from 1 in the order configurations were drawn. Random
    /// search trains each once; successive halving trains a promoted configuration again with a larger budget.
    /// </summary>
    public int ConfigurationId { get; }

    /// <summary>The successive-halving rung (0 first, each rung <c>eta</c> times the budget of the one below); 0 for random search.</summary>
    public int Rung { get; }

    /// <summary>The budget (e.g. epochs) successive halving set on the options; null for random search.</summary>
    public long? Budget { get; }

    /// <summary>The options the trial's pipeline was built from (a copy: base options, sampled values, budget).</summary>
    public TOptions Options { get; }

    /// <summary>The searched options' values, in the search space's order.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>How the trial ended.</summary>
    public SweepTrialStatus Status { get; }

    /// <summary>The metric on the validation rows (the mean over folds with k folds); NaN unless <see cref="Status"/> is <see cref="SweepTrialStatus.Completed"/>.</summary>
    public double Metric { get; }

    /// <summary>The exception's type and message of a failed trial; null otherwise.</summary>
    public string? Error { get; }

    /// <summary>The wall time of the trial: every fold's fit and scoring.</summary>
    public TimeSpan Duration { get; }
}
