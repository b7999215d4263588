namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// Where one LSTM, GRU or Elman RNN forward step reads and writes, row-major with <see cref="Rows"/> rows: what
/// <see cref="RecurrentStepJob.RunBlock"/> needs besides the packed W_hh^T. Shapes and meanings as in
/// <see cref="LstmCell.Forward"/>, <see cref="GruCell.Forward"/> and <see cref="RnnCell.Forward"/>.
/// </summary>
internal unsafe struct RecurrentStepBuffers
{
    /// <summary>Rows of every buffer below (the step's whole batch; a block touches only its own rows).</summary>
    public int Rows;
    /// <summary>h_prev, <c>[Rows, H]</c>; must not overlap <see cref="Hidden"/> (other blocks still read it).</summary>
    public float* HPrev;
    /// <summary>Input pre-activations, <c>[Rows, G*H]</c>; for the LSTM also the product's target.</summary>
    public float* Gates;
    /// <summary>The product's target, <c>[Rows, G*H]</c>: <see cref="Gates"/> for the LSTM and the RNN, the GRU's hidden gates.</summary>
    public float* HiddenGates;
    /// <summary>GRU: b_hh (<c>[3H]</c>), written into the hidden gates before the product adds onto them; null for the LSTM.</summary>
    public float* HiddenBias;
    /// <summary>LSTM: c_prev and c, <c>[Rows, H]</c>.</summary>
    public float* CellPrev, Cell;
    /// <summary>GRU: h_prev W_hn^T + b_hn, <c>[Rows, H]</c>, kept for Backward.</summary>
    public float* HiddenN;
    /// <summary>The cell: LSTM, GRU or Elman RNN (tanh or relu).</summary>
    public CellType Kind;
    /// <summary>h, <c>[Rows, H]</c>.</summary>
    public float* Hidden;
    /// <summary>Where row r's h also goes: <c>Output[r * OutputStride + OutputOffset ..][..H]</c> (the layer output).</summary>
    public float* Output;
    /// <summary>See <see cref="Output"/>.</summary>
    public int OutputStride, OutputOffset;
}
