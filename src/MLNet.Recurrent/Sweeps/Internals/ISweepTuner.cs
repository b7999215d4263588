namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>
/// Decides what a sweep trains next from the scores so far. Scores are oriented so that higher is better (a minimized
/// metric arrives negated); a failed trial arrives as null. Knows nothing of ML.NET, so its rules are tested alone.
/// </summary>
internal interface ISweepTuner
{
    /// <summary>The next trial: a new configuration or an earlier one with more budget.</summary>
    TrialProposal Propose();

    /// <summary>Records how <paramref name="configurationId"/> did on the trial <paramref name="proposal"/> asked for.</summary>
    void Report(TrialProposal proposal, int configurationId, double? score);
}
