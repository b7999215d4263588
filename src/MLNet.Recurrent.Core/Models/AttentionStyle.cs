namespace MLNet.Recurrent.Core.Models;

/// <summary>How an <see cref="EncoderDecoder"/>'s decoder scores its state h_t against encoder annotation enc_j.</summary>
public enum AttentionStyle
{
    /// <summary>Bahdanau (additive): <c>e_tj = v . tanh(W_q h_t + W_k enc_j + b_k)</c>, attention size A.</summary>
    Additive,

    /// <summary>Luong "general" (multiplicative): <c>e_tj = h_t . (W_k enc_j + b_k)</c>, so A = H.</summary>
    General,

    /// <summary>
    /// Luong "dot": <c>e_tj = h_t . enc_j[:H] + h_t . enc_j[H:]</c>, i.e. <c>h_t . (enc_j^fwd + enc_j^bwd)</c>: no score
    /// parameters. The annotations are 2H wide and the decoder state H, so the dot product is taken with the sum of
    /// the two directions' halves (the keys are <c>enc_j^fwd + enc_j^bwd</c>; <c>att_k</c> is not used).
    /// </summary>
    Dot,
}
