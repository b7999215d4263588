namespace MLNet.Recurrent.Core.Models;

/// <summary>How an <see cref="EncoderDecoder"/>'s decoder scores its state h_t against encoder annotation enc_j.</summary>
public enum AttentionStyle
{
    /// <summary>Bahdanau (additive): <c>e_tj = v . tanh(W_q h_t + W_k enc_j + b_k)</c>, attention size A.</summary>
    Additive,

    /// <summary>Luong "general" (multiplicative): <c>e_tj = h_t . (W_k enc_j + b_k)</c>, so A = H.</summary>
    General,
}
