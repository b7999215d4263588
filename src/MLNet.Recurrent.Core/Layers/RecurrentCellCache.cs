using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// What one <see cref="RecurrentCell.Forward"/> step saves for its <see cref="RecurrentCell.Backward"/>. A decoder
/// keeps one per time step and reuses them across batches, so steady-state stepping allocates nothing.
/// </summary>
public sealed class RecurrentCellCache
{
    internal readonly Tensor Input = new(0);        // [B, D]
    internal readonly Tensor HiddenPrev = new(0);   // [B, H]
    internal readonly Tensor CellPrev = new(0);     // [B, H] LSTM
    internal readonly Tensor Cell = new(0);         // [B, H] LSTM
    internal readonly Tensor Gates = new(0);        // [B, G*H] activations
    internal readonly Tensor HiddenGates = new(0);  // GRU: [B, G*H]
    internal readonly Tensor HiddenN = new(0);      // GRU: [B, H]
    internal readonly Tensor GatesGrad = new(0);
    internal readonly Tensor HiddenGatesGrad = new(0);

    /// <summary>B of the step this cache holds; 0 before the first Forward.</summary>
    public int Batch { get; internal set; }
}
