using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// The running state of a unidirectional <see cref="RecurrentLayer"/> for step-at-a-time inference (generation):
/// created by <see cref="RecurrentLayer.CreateState"/>, advanced by <see cref="RecurrentLayer.Step"/>. It owns the
/// workspaces of one step, so stepping allocates nothing. Nothing is cached for backward.
/// </summary>
public sealed class RecurrentState
{
    internal RecurrentState(RecurrentLayer owner, int batch, int layers, int hiddenSize, int gates, int conditioningSize, bool lstm)
    {
        Owner = owner;
        Batch = batch;
        HiddenTensor = new Tensor(layers, batch, hiddenSize);
        CellTensor = new Tensor(lstm ? layers : 0, batch, hiddenSize);
        ConditioningTensor = new Tensor(batch, conditioningSize);
        Gates = new Tensor(batch, gates);
        HiddenGates = new Tensor(batch, gates);
        HiddenN = new Tensor(batch, hiddenSize);
    }

    internal RecurrentLayer Owner { get; }
    internal Tensor HiddenTensor { get; }
    internal Tensor CellTensor { get; }
    internal Tensor ConditioningTensor { get; }
    internal Tensor Gates { get; }
    internal Tensor HiddenGates { get; }
    internal Tensor HiddenN { get; }

    /// <summary>W_ih^T and W_hh^T of every layer packed for the GEMM micro-kernel, or null: see <see cref="RecurrentLayer.PackStepWeights"/>.</summary>
    internal Gemm.PackedMatrix[]? PackedInput { get; set; }

    /// <summary>W_hh^T of every layer, packed alongside <see cref="PackedInput"/>.</summary>
    internal Gemm.PackedMatrix[]? PackedHidden { get; set; }

    /// <summary>B: the sequences advanced together.</summary>
    public int Batch { get; }

    /// <summary>h of every layer, <c>[L, B, H]</c>; read it, or write it to start from a given state (e.g. an encoder's h_n).</summary>
    public Span<float> Hidden => HiddenTensor.Span;

    /// <summary>LSTM c of every layer, <c>[L, B, H]</c>; empty for other cells.</summary>
    public Span<float> Cell => CellTensor.Span;

    /// <summary>The conditioning vector v, <c>[B, C]</c>, used by every step; empty when C is 0. Write it before stepping.</summary>
    public Span<float> Conditioning => ConditioningTensor.Span;

    /// <summary>Sets h (and c) back to the layer's initial state: the learned h0/c0 if configured, otherwise zeros.</summary>
    public void Reset() => Owner.ResetState(this);
}
