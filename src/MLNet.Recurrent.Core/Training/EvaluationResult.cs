namespace MLNet.Recurrent.Core.Training;

/// <summary>Loss and accuracy over a data set.</summary>
/// <param name="Loss">The mean cross-entropy per target (nats).</param>
/// <param name="Accuracy">The fraction of targets whose most likely class is right.</param>
/// <param name="Count">How many targets were counted.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, long Count)
{
    /// <summary>The loss in bits per target (bits per character for a character model).</summary>
    public double BitsPerToken => Loss / Math.Log(2);
}
