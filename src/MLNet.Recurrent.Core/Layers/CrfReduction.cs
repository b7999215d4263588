namespace MLNet.Recurrent.Core.Layers;

/// <summary>How <see cref="LinearChainCrf.Forward"/> turns the per-sequence negative log-likelihoods into one loss.</summary>
public enum CrfReduction
{
    /// <summary>The mean over real steps: <c>sum_b nll_b / sum_b len_b</c>, on the scale of a per-step cross-entropy.</summary>
    StepMean,

    /// <summary>The mean over non-empty sequences: <c>sum_b nll_b / #{b : len_b &gt; 0}</c> (pytorch-crf's 'mean' when no sequence is empty).</summary>
    SequenceMean,

    /// <summary>The sum <c>sum_b nll_b</c> (pytorch-crf's default 'sum').</summary>
    Sum,
}
