using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class RecurrentLayer
{
    /// <summary>One direction of one layer: its weights and the workspaces Forward fills for Backward.</summary>
    private sealed class Direction(int index, bool reverse, int inputSize, Parameter inputWeight, Parameter hiddenWeight, Parameter inputBias, Parameter hiddenBias)
    {
        /// <summary>Position among the final states: <c>layer * dirs + (reverse ? 1 : 0)</c>.</summary>
        public readonly int Index = index;
        public readonly bool Reverse = reverse;
        /// <summary>D_in: D for layer 0, <c>dirs * H</c> above.</summary>
        public readonly int InputSize = inputSize;
        public readonly Parameter InputWeight = inputWeight;
        public readonly Parameter HiddenWeight = hiddenWeight;
        public readonly Parameter InputBias = inputBias;
        public readonly Parameter HiddenBias = hiddenBias;
        public Parameter? ConditioningWeight;

        /// <summary>
        /// W_hh^T (<c>[H, G*H]</c>) in the GEMM micro-kernel's panel layout, repacked at every Forward: each step's
        /// <c>h_prev W_hh^T</c> then skips packing. Bit-identical to the unpacked product.
        /// </summary>
        public Gemm.PackedMatrix? PackedHidden;
        /// <summary>W_hh (<c>[G*H, H]</c>) packed for Backward's per-step <c>dGates W_hh</c>, repacked at every Backward.</summary>
        public Gemm.PackedMatrix? PackedHiddenGrad;

        /// <summary>Packs (first call) or repacks W_hh^T for the forward steps.</summary>
        public Gemm.PackedMatrix PackHidden(int hidden, int gates)
        {
            if (PackedHidden is null) PackedHidden = Gemm.Pack(transposeB: true, k: hidden, n: gates, HiddenWeight.Value, ldb: hidden);
            else PackedHidden.Repack(transpose: true, HiddenWeight.Value, ldb: hidden);
            return PackedHidden;
        }

        /// <summary>Packs (first call) or repacks W_hh for the backward steps.</summary>
        public Gemm.PackedMatrix PackHiddenGrad(int hidden, int gates)
        {
            if (PackedHiddenGrad is null) PackedHiddenGrad = Gemm.Pack(transposeB: false, k: gates, n: hidden, HiddenWeight.Value, ldb: hidden);
            else PackedHiddenGrad.Repack(transpose: false, HiddenWeight.Value, ldb: hidden);
            return PackedHiddenGrad;
        }

        /// <summary>
        /// <c>[T, B, G*H]</c> by time: pre-activations from the big input GEMM, turned into activations in place by the
        /// cell as each step runs (rows of finished sequences keep stale pre-activations and are never read).
        /// </summary>
        public readonly Tensor Gates = new(0);
        /// <summary>
        /// <c>[T+1, B, H]</c> by slot: the forward direction reads slot t and writes slot t+1 at time t (initial
        /// state in slot 0, final in slot T); the reverse one reads t+1 and writes t (initial in T, final in 0).
        /// Rows not running at a step carry their state unchanged, so the final slot holds every sequence's final state.
        /// </summary>
        public readonly Tensor States = new(0);
        /// <summary>LSTM cell states, laid out like <see cref="States"/>.</summary>
        public readonly Tensor Cells = new(0);
        /// <summary>GRU: <c>[T, B, H]</c> by time, <c>h_prev W_hn^T + b_hn</c>.</summary>
        public readonly Tensor HiddenN = new(0);
        /// <summary><c>[T, B, G*H]</c> gradient of the input pre-activations (zero on rows not running).</summary>
        public readonly Tensor GatesGrad = new(0);
        /// <summary>GRU: <c>[T, B, G*H]</c> gradient of the hidden pre-activations; other cells share <see cref="GatesGrad"/>.</summary>
        public readonly Tensor HiddenGatesGrad = new(0);
        /// <summary><c>[B, H]</c> running gradient of h (and c) during Backward.</summary>
        public readonly Tensor StateGrad = new(0);
        public readonly Tensor CellGrad = new(0);

        public int PreviousSlot(int t) => Reverse ? t + 1 : t;
        public int CurrentSlot(int t) => Reverse ? t : t + 1;
        public int InitialSlot(int steps) => Reverse ? steps : 0;
        public int FinalSlot(int steps) => Reverse ? 0 : steps;
        /// <summary>The time of the s-th step this direction processes.</summary>
        public int Time(int step, int steps) => Reverse ? steps - 1 - step : step;
    }
}
