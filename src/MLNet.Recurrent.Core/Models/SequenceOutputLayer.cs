namespace MLNet.Recurrent.Core.Models;

/// <summary>How a per-step <see cref="SequenceNetwork"/> turns its per-step scores into labels.</summary>
public enum SequenceOutputLayer
{
    /// <summary>An independent softmax at every step, trained by cross-entropy; labels are each step's argmax.</summary>
    Softmax,

    /// <summary>
    /// A linear-chain CRF over the per-step scores (transition matrix, forward-algorithm loss); labels are the
    /// Viterbi path and probabilities the per-step marginals. Per-step outputs only.
    /// </summary>
    Crf,
}
