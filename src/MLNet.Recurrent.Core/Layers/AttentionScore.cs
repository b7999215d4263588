namespace MLNet.Recurrent.Core.Layers;

/// <summary>How <see cref="Attention"/> scores a query against a key.</summary>
public enum AttentionScore
{
    /// <summary>Scaled dot product (Luong "dot", Vaswani scaling): <c>q . k / sqrt(H)</c>; query and key sizes must match.</summary>
    Dot,

    /// <summary>Additive (Bahdanau): <c>v . tanh(W_q q + W_k k + b)</c>, with a learned attention size A.</summary>
    Additive,
}
