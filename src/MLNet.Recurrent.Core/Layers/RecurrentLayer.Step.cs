using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class RecurrentLayer
{
    /// <summary>Creates a step-at-a-time state for <paramref name="batch"/> sequences, set to the initial state.</summary>
    /// <param name="batch">B; must be positive.</param>
    /// <exception cref="InvalidOperationException">The layer is bidirectional: the reverse direction needs the whole sequence.</exception>
    public RecurrentState CreateState(int batch)
    {
        ThrowHelper.ThrowIfNotPositive(batch, nameof(batch));
        if (_dirs != 1) ThrowHelper.InvalidOperation("Step-at-a-time inference needs a unidirectional layer; this one is bidirectional.");
        var state = new RecurrentState(this, batch, _layers, _hidden, _gates, _options.ConditioningSize, _options.Cell == CellType.Lstm);
        ResetState(state);
        return state;
    }

    internal void ResetState(RecurrentState state)
    {
        int batch = state.Batch, h = _hidden;
        for (int k = 0; k < _layers; k++)
        {
            for (int j = 0; j < batch; j++)
            {
                Span<float> hRow = state.Hidden.Slice((k * batch + j) * h, h);
                if (_h0 is not null) _h0.Value.Slice(k * h, h).CopyTo(hRow);
                else hRow.Clear();
                if (state.Cell.IsEmpty) continue;
                Span<float> cRow = state.Cell.Slice((k * batch + j) * h, h);
                if (_c0 is not null) _c0.Value.Slice(k * h, h).CopyTo(cRow);
                else cRow.Clear();
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="state"/> step with its own packed copies of W_ih^T and W_hh^T (packed now, or repacked),
    /// so a step skips packing the weights: the lean path of a generation step. The copies do not follow later
    /// changes of the weights; call this again after an optimizer step. Allocates on the first call only.
    /// </summary>
    internal void PackStepWeights(RecurrentState state)
    {
        if (!ReferenceEquals(state.Owner, this)) ThrowHelper.Argument(nameof(state), "a state of another layer", "it must come from this layer's CreateState");
        state.PackedInput ??= new Gemm.PackedMatrix[_layers];
        state.PackedHidden ??= new Gemm.PackedMatrix[_layers];
        for (int k = 0; k < _layers; k++)
        {
            Direction dir = _directions[k];
            state.PackedInput[k] = Repack(state.PackedInput[k], dir.InputWeight.Value, dir.InputSize);
            state.PackedHidden[k] = Repack(state.PackedHidden[k], dir.HiddenWeight.Value, _hidden);
        }

        Gemm.PackedMatrix Repack(Gemm.PackedMatrix? packed, ReadOnlySpan<float> weight, int inputSize)
        {
            if (packed is null) return Gemm.Pack(transposeB: true, k: inputSize, n: _gates, weight, ldb: inputSize);
            packed.Repack(transpose: true, weight, ldb: inputSize);
            return packed;
        }
    }

    /// <summary>
    /// Advances every sequence of <paramref name="state"/> by one step through all layers (inference: no dropout,
    /// nothing cached for backward, no allocation). Gives the same numbers as <see cref="Forward"/> over the sequence.
    /// </summary>
    /// <param name="input">x_t, <c>[B, D]</c>.</param>
    /// <param name="state">The state to read and update; from this layer's <see cref="CreateState"/>.</param>
    /// <param name="output">The top layer's new h, <c>[B, H]</c>: written.</param>
    public void Step(ReadOnlySpan<float> input, RecurrentState state, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Owner, this)) ThrowHelper.Argument(nameof(state), "a state of another layer", "it must come from this layer's CreateState");
        int batch = state.Batch, h = _hidden, gh = _gates, c = _options.ConditioningSize;
        ThrowHelper.ThrowIfTooShort(input.Length, (long)batch * _options.InputSize, nameof(input));
        ThrowHelper.ThrowIfTooShort(output.Length, (long)batch * h, nameof(output));
        Span<float> gates = state.Gates.Span;
        ReadOnlySpan<float> x = input[..(batch * _options.InputSize)];
        for (int k = 0; k < _layers; k++)
        {
            Direction dir = _directions[k];
            int din = dir.InputSize;
            Span<float> hState = state.Hidden.Slice(k * batch * h, batch * h);
            ReadOnlySpan<float> bi = dir.InputBias.Value, bh = dir.HiddenBias.Value;
            for (int r = 0; r < batch; r++)
            {
                Span<float> row = gates.Slice(r * gh, gh);
                if (_options.Cell == CellType.Gru) bi.CopyTo(row);
                else TensorPrimitives.Add(bi, bh, row);
            }
            if (state.PackedInput is { } packedInput) Gemm.Multiply(false, batch, 1f, x, din, packedInput[k], 1f, gates, gh);
            else Gemm.Multiply(false, true, batch, gh, din, 1f, x, din, dir.InputWeight.Value, din, 1f, gates, gh);
            if (dir.ConditioningWeight is { } wvh)
                Gemm.Multiply(false, true, batch, gh, c, 1f, state.Conditioning, c, wvh.Value, c, 1f, gates, gh);
            // Each cell writes the new h over h_prev, which the recurrent GEMM has already consumed (GRU reads it elementwise first).
            if (_options.Cell == CellType.Gru)
            {
                Span<float> hg = state.HiddenGates.Span;
                for (int r = 0; r < batch; r++) bh.CopyTo(hg.Slice(r * gh, gh));
                HiddenProduct(state, k, hState, hg);
                GruCell.Forward(hState, state.HiddenN.Span, gates, hg, hState, batch, h);
            }
            else
            {
                HiddenProduct(state, k, hState, gates);
                if (_options.Cell == CellType.Lstm)
                {
                    Span<float> cState = state.Cell.Slice(k * batch * h, batch * h);
                    LstmCell.Forward(hState, cState, gates, cState, batch, h);
                }
                else RnnCell.Forward(hState, gates, batch, h, _options.Cell == CellType.RnnRelu);
            }
            x = hState;
        }
        x.CopyTo(output);
    }

    /// <summary><c>gates += h W_hh^T</c> for one layer, with the state's packed copy when it has one.</summary>
    private void HiddenProduct(RecurrentState state, int layer, ReadOnlySpan<float> hState, Span<float> gates)
    {
        int batch = state.Batch, h = _hidden, gh = _gates;
        if (state.PackedHidden is { } packed) Gemm.Multiply(false, batch, 1f, hState, h, packed[layer], 1f, gates, gh);
        else Gemm.Multiply(false, true, batch, gh, h, 1f, hState, h, _directions[layer].HiddenWeight.Value, h, 1f, gates, gh);
    }
}
