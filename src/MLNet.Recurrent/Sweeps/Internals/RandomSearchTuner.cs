namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>Random search: every trial draws a new configuration and trains it with the options as sampled.</summary>
internal sealed class RandomSearchTuner : ISweepTuner
{
    /// <inheritdoc/>
    public TrialProposal Propose() => new(0, 0, null);

    /// <inheritdoc/>
    public void Report(TrialProposal proposal, int configurationId, double? score) { }
}
