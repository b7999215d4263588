namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>Which recurrent state an activation series is read from.</summary>
public enum ActivationKind
{
    /// <summary>The LSTM cell state c (unbounded; absent for GRU and plain RNN layers).</summary>
    Cell,

    /// <summary>The hidden state h, the layer's output (in [-1, 1] for tanh-based cells).</summary>
    Hidden,
}
