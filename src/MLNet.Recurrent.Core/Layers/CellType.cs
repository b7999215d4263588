namespace MLNet.Recurrent.Core.Layers;

/// <summary>The recurrent cell of a <see cref="RecurrentLayer"/>, matching PyTorch's modules one to one.</summary>
public enum CellType
{
    /// <summary>Elman RNN, <c>h = tanh(W_ih x + b_ih + W_hh h + b_hh)</c> (PyTorch <c>nn.RNN(nonlinearity='tanh')</c>); G = 1.</summary>
    RnnTanh,

    /// <summary>Elman RNN, <c>h = relu(W_ih x + b_ih + W_hh h + b_hh)</c> (PyTorch <c>nn.RNN(nonlinearity='relu')</c>); G = 1.</summary>
    RnnRelu,

    /// <summary>Long short-term memory with gates i, f, g, o in that order (PyTorch <c>nn.LSTM</c>); G = 4.</summary>
    Lstm,

    /// <summary>Gated recurrent unit with gates r, z, n in that order (PyTorch <c>nn.GRU</c>); G = 3.</summary>
    Gru,
}
