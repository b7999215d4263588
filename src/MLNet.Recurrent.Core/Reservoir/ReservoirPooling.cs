namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>How a <see cref="ReservoirClassifier"/> summarizes a sequence's reservoir states.</summary>
public enum ReservoirPooling
{
    /// <summary>The mean of the states after the washout (all of them when the sequence is no longer than the washout).</summary>
    Mean,

    /// <summary>The state after the last step.</summary>
    Last,
}
