namespace MLNet.Recurrent.Sweeps;

/// <summary>Whether a larger or a smaller metric is better.</summary>
public enum SweepDirection
{
    /// <summary>Larger is better (accuracy, F1, BLEU).</summary>
    Maximize,

    /// <summary>Smaller is better (log-loss, bits per character, error).</summary>
    Minimize,
}
