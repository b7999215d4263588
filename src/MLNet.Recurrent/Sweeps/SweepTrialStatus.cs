namespace MLNet.Recurrent.Sweeps;

/// <summary>How a trial of a sweep ended.</summary>
public enum SweepTrialStatus
{
    /// <summary>The pipeline was fitted and scored: <see cref="SweepTrial{TOptions}.Metric"/> holds its score.</summary>
    Completed,

    /// <summary>The trial threw; <see cref="SweepTrial{TOptions}.Error"/> holds the exception's type and message, and the sweep went on.</summary>
    Failed,

    /// <summary>The sweep was canceled or ran out of time while this trial ran; its partial result is not scored.</summary>
    Canceled,
}
