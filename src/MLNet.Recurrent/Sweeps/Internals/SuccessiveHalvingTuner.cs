namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2018), run one trial at a time. Rung k trains with budget
/// <c>min * eta^k</c> (the top rung with <c>max</c>). Before each trial, from the highest rung down, the first configuration
/// in the top <c>floor(n / eta)</c> of the n trials finished at rung k that was not promoted yet is promoted to rung k + 1;
/// when no rung has one, a new configuration starts at rung 0. Failed trials count in n and rank last, so they are
/// never promoted. Ties keep the earlier trial first.
/// </summary>
internal sealed class SuccessiveHalvingTuner : ISweepTuner
{
    private readonly long[] _budgets;
    private readonly int _eta;
    private readonly List<(int Configuration, double Score)>[] _finished;
    private readonly HashSet<int>[] _promoted;

    /// <summary>Rungs from <paramref name="minBudget"/> up to <paramref name="maxBudget"/>, each <paramref name="eta"/> times the one below.</summary>
    public SuccessiveHalvingTuner(long minBudget, long maxBudget, int eta)
    {
        _eta = eta;
        var budgets = new List<long> { minBudget };
        for (long b = minBudget; b <= maxBudget / eta; ) budgets.Add(b *= eta);
        // The top rung trains with the full budget: it replaces the last step below max (or follows min directly).
        if (budgets[^1] != maxBudget)
        {
            if (budgets.Count > 1) budgets[^1] = maxBudget;
            else budgets.Add(maxBudget);
        }
        _budgets = budgets.ToArray();
        _finished = _budgets.Select(_ => new List<(int, double)>()).ToArray();
        _promoted = _budgets.Select(_ => new HashSet<int>()).ToArray();
    }

    /// <summary>The budget of each rung, lowest first.</summary>
    public IReadOnlyList<long> Budgets => _budgets;

    /// <inheritdoc/>
    public TrialProposal Propose()
    {
        for (int rung = _budgets.Length - 2; rung >= 0; rung--)
        {
            List<(int Configuration, double Score)> finished = _finished[rung];
            int top = finished.Count / _eta;
            foreach ((int configuration, double score) in finished.OrderByDescending(f => f.Score).Take(top))
            {
                if (double.IsNegativeInfinity(score) || _promoted[rung].Contains(configuration)) continue;
                _promoted[rung].Add(configuration);
                return new TrialProposal(configuration, rung + 1, _budgets[rung + 1]);
            }
        }
        return new TrialProposal(0, 0, _budgets[0]);
    }

    /// <inheritdoc/>
    public void Report(TrialProposal proposal, int configurationId, double? score) =>
        _finished[proposal.Rung].Add((configurationId, score ?? double.NegativeInfinity));
}
