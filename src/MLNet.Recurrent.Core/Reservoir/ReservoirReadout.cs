namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>How a <see cref="ReservoirClassifier"/> maps the pooled state to classes.</summary>
public enum ReservoirReadout
{
    /// <summary>Ridge regression onto one-hot targets, one linear solve; scores are the K regression outputs.</summary>
    Ridge,

    /// <summary>Multinomial logistic regression (L-BFGS, L2 penalty = the ridge option); scores are K probabilities.</summary>
    Logistic,
}
