namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// Where one LSTM, GRU or Elman RNN backward step before the W_hh product reads and writes (<see cref="CellBackwardJob.RunRows"/>),
/// row-major, for the step's whole batch; shapes and meanings as in <see cref="LstmCell.Backward"/>,
/// <see cref="GruCell.Backward"/> and <see cref="RnnCell.Backward"/>.
/// </summary>
internal unsafe struct CellBackwardBuffers
{
    /// <summary>The cell: LSTM, GRU or Elman RNN (tanh or relu).</summary>
    public CellType Kind;
    /// <summary>dh, <c>[B, H]</c>: dy is added, then the cell's direct part of dh_prev (GRU) or its input (LSTM).</summary>
    public float* StateGrad;
    /// <summary>The step's slice of the layer output gradient, rows <see cref="OutputStride"/> apart, h at <see cref="OutputOffset"/>.</summary>
    public float* OutputGrad;
    /// <summary>See <see cref="OutputGrad"/>.</summary>
    public int OutputStride, OutputOffset;
    /// <summary>Gradient of the input pre-activations, <c>[B, G*H]</c> (written).</summary>
    public float* GatesGrad;
    /// <summary>GRU: gradient of the hidden pre-activations, <c>[B, 3H]</c> (written).</summary>
    public float* HiddenGatesGrad;
    /// <summary>The step's gate activations, <c>[B, G*H]</c>.</summary>
    public float* Gates;
    /// <summary>LSTM: dc, <c>[B, H]</c>, read and overwritten with dc_prev.</summary>
    public float* CellGrad;
    /// <summary>LSTM: c_prev and c, <c>[B, H]</c>.</summary>
    public float* CellPrev, Cell;
    /// <summary>GRU: h_prev W_hn^T + b_hn and h_prev, <c>[B, H]</c>.</summary>
    public float* HiddenN, HiddenPrev;
}
