namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>What a tuner wants trained next.</summary>
/// <param name="ConfigurationId">An earlier configuration (1, 2, ...) to train again, or 0 to draw a new one.</param>
/// <param name="Rung">The successive-halving rung; 0 for random search.</param>
/// <param name="Budget">The budget to set on the options (e.g. epochs); null to leave the options as sampled.</param>
internal readonly record struct TrialProposal(int ConfigurationId, int Rung, long? Budget);
