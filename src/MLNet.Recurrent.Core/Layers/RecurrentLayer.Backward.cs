using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class RecurrentLayer
{
    private readonly Tensor[] _outputGrads;          // [T, B, dirs*H] per layer, sorted batch order
    private readonly Tensor _droppedGrad = new(0);   // [T, B, dirs*H] gradient of a dropped-out layer input
    private readonly Tensor _xGrad = new(0);         // [T, B, D] sorted
    private readonly Tensor _vGrad = new(0);         // [B, C] sorted
    private readonly Tensor _gatesSum = new(0);      // [B, G*H] sum over time of the input pre-activation gradient
    private readonly Tensor _scatter = new(0);       // [B, H] one initial-state gradient in original order

    /// <summary>
    /// Back-propagation through time for the last <see cref="Forward"/>. Parameter gradients are accumulated (+=)
    /// into the <see cref="ParameterSet"/>; requested input gradients are resized and overwritten. Gradients of
    /// output rows past a sequence's length are ignored (those outputs are constant zeros).
    /// </summary>
    /// <param name="inputGrad">dx, <c>[T, B, D]</c>; null if not wanted.</param>
    /// <param name="initialHiddenGrad">dh0, <c>[L*dirs, B, H]</c> (of whichever initial state was used); null if not wanted.</param>
    /// <param name="initialCellGrad">LSTM dc0, <c>[L*dirs, B, H]</c>; null if not wanted.</param>
    /// <param name="conditioningGrad">dv, <c>[B, C]</c>; null if not wanted.</param>
    /// <param name="outputGrad">dy, <c>[T, B, dirs*H]</c>.</param>
    /// <param name="finalHiddenGrad">dh_n, <c>[L*dirs, B, H]</c>; null means zero.</param>
    /// <param name="finalCellGrad">LSTM dc_n, <c>[L*dirs, B, H]</c>; null means zero.</param>
    public void Backward(
        Tensor? inputGrad, Tensor? initialHiddenGrad, Tensor? initialCellGrad, Tensor? conditioningGrad,
        Tensor outputGrad, Tensor? finalHiddenGrad, Tensor? finalCellGrad)
    {
        ArgumentNullException.ThrowIfNull(outputGrad);
        if (!_forwardDone) ThrowHelper.InvalidOperation("Backward was called before Forward.");
        int steps = _steps, batch = _batch, h = _hidden, states = _layers * _dirs;
        CheckShape(outputGrad, nameof(outputGrad), steps, batch, _dirs * h);
        CheckShape(finalHiddenGrad, nameof(finalHiddenGrad), states, batch, h);
        CheckShape(finalCellGrad, nameof(finalCellGrad), states, batch, h);

        _outputGrads[_layers - 1].Resize(steps, batch, _dirs * h);
        GatherRows(_outputGrads[_layers - 1].Span, outputGrad.Span, steps, batch, _dirs * h);
        initialHiddenGrad?.Resize(states, batch, h);
        initialCellGrad?.Resize(states, batch, h);
        if (initialCellGrad is not null && _options.Cell != CellType.Lstm) initialCellGrad.Clear();
        bool wantConditioning = conditioningGrad is not null && _options.ConditioningSize > 0;
        if (wantConditioning)
        {
            _vGrad.Resize(batch, _options.ConditioningSize);
            _vGrad.Clear();
        }

        for (int k = _layers - 1; k >= 0; k--)
        {
            Tensor layerInput = LayerInput(k);
            Tensor? layerInputGrad = k > 0 ? (_dropoutActive ? _droppedGrad : _outputGrads[k - 1]) : inputGrad is not null ? _xGrad : null;
            layerInputGrad?.Resize(steps, batch, _directions[k * _dirs].InputSize);
            for (int d = 0; d < _dirs; d++)
            {
                BackwardDirection(_directions[k * _dirs + d], layerInput, layerInputGrad, accumulate: d > 0, _outputGrads[k],
                    finalHiddenGrad, finalCellGrad, initialHiddenGrad, initialCellGrad, wantConditioning);
            }
            if (k > 0 && _dropoutActive) _dropouts[k - 1].Backward(_outputGrads[k - 1], _droppedGrad);
        }

        if (inputGrad is not null)
        {
            inputGrad.Resize(steps, batch, _options.InputSize);
            ScatterRows(inputGrad.Span, _xGrad.Span, steps, batch, _options.InputSize);
        }
        if (conditioningGrad is not null)
        {
            conditioningGrad.Resize(batch, _options.ConditioningSize);
            ScatterRows(conditioningGrad.Span, _vGrad.Span, 1, batch, _options.ConditioningSize);
        }
    }

    private void BackwardDirection(
        Direction dir, Tensor layerInput, Tensor? layerInputGrad, bool accumulate, Tensor layerOutputGrad,
        Tensor? finalHiddenGrad, Tensor? finalCellGrad, Tensor? initialHiddenGrad, Tensor? initialCellGrad, bool wantConditioning)
    {
        int steps = _steps, batch = _batch, h = _hidden, gh = _gates, din = dir.InputSize, rows = steps * batch;
        bool lstm = _options.Cell == CellType.Lstm, gru = _options.Cell == CellType.Gru, relu = _options.Cell == CellType.RnnRelu;
        Gemm.PackedMatrix whh = dir.PackHiddenGrad(h, gh);
        ReadOnlySpan<float> gates = dir.Gates.Span, hs = dir.States.Span, cs = lstm ? dir.Cells.Span : default;
        ReadOnlySpan<float> dy = layerOutputGrad.Span;

        // dh and dc run backwards through time from dh_n and dc_n.
        dir.StateGrad.Resize(batch, h);
        Span<float> dh = dir.StateGrad.Span;
        StartGrad(dh, finalHiddenGrad, dir.Index);
        Span<float> dc = default;
        if (lstm)
        {
            dir.CellGrad.Resize(batch, h);
            dc = dir.CellGrad.Span;
            StartGrad(dc, finalCellGrad, dir.Index);
        }
        dir.GatesGrad.Resize(steps, batch, gh);
        Span<float> dxg = dir.GatesGrad.Span;
        Span<float> dhg = dxg;
        if (gru)
        {
            dir.HiddenGatesGrad.Resize(steps, batch, gh);
            dhg = dir.HiddenGatesGrad.Span;
        }

        int width = _dirs * h, offset = dir.Reverse ? h : 0;
        // As forward, but without the fused step's panel condition on H: the backward product runs whole rows of dh.
        int blockThreads = !RecurrentStepJob.DisabledOnThisThread && whh.Kernel != GemmKernel.Scalar
            ? RecurrentSequenceJob.Threads(ComputeSettings.MaxThreads, batch, steps, _options.GateCount, h) : 1;
        for (int s = steps - 1; s >= 0; s--)
        {
            if (blockThreads > 1)
            {
                // The next steps back split by rows instead of one at a time: one hand-off for them all.
                int end = Math.Max(-1, s - RecurrentSequenceJob.MaxSteps);
                RecurrentSequenceBackwardJob.Run(blockThreads, whh, _options.Cell, h, batch, steps, dir.Reverse, s, end, _running, dh, dc, dy, width, offset,
                    dxg, dhg, gates, hs, cs, gru ? dir.HiddenN.Span : default);
                s = end + 1;
                continue;
            }
            int t = dir.Time(s, steps);
            int n = _running[t];
            ReadOnlySpan<float> g = gates.Slice(t * batch * gh, batch * gh);
            Span<float> dxgT = dxg.Slice(t * batch * gh, batch * gh), dhgT = dhg.Slice(t * batch * gh, batch * gh);
            ReadOnlySpan<float> dyT = dy.Slice(t * batch * width, batch * width);
            if (n > 0)
            {
                ReadOnlySpan<float> hPrev = hs.Slice(dir.PreviousSlot(t) * batch * h, batch * h);
                // dh += dy for the running rows, then the cell's backward step (on all threads for LSTM and GRU).
                switch (_options.Cell)
                {
                    case CellType.Lstm:
                        CellBackwardJob.RunLstm(ComputeSettings.MaxThreads, n, h, dh, dyT, width, offset, dxgT, dc, g,
                            cs.Slice(dir.PreviousSlot(t) * batch * h, batch * h), cs.Slice(dir.CurrentSlot(t) * batch * h, batch * h));
                        break;
                    case CellType.Gru:
                        CellBackwardJob.RunGru(ComputeSettings.MaxThreads, n, h, dh, dyT, width, offset, dxgT, dhgT, g,
                            dir.HiddenN.Span.Slice(t * batch * h, batch * h), hPrev);
                        break;
                    default:
                        for (int j = 0; j < n; j++)
                            TensorPrimitives.Add(dh.Slice(j * h, h), dyT.Slice(j * width + offset, h), dh.Slice(j * h, h));
                        RnnCell.Backward(dxgT, dh, g, n, h, relu);
                        break;
                }
                // dh_prev = (GRU: dh * z) + dGates_hh W_hh, for the running rows; the others carry dh unchanged.
                Gemm.Multiply(false, n, 1f, dhgT, gh, whh, gru ? 1f : 0f, dh, h);
            }
            dxgT[(n * gh)..].Clear();
            if (gru) dhgT[(n * gh)..].Clear();
        }

        // dh, dc now hold the gradients of the initial states (sorted order).
        FinishInitialGrad(dh, initialHiddenGrad, _hiddenSource, _h0, dir.Index);
        if (lstm) FinishInitialGrad(dc, initialCellGrad, _cellSource, _c0, dir.Index);

        // Weight gradients over all steps at once; rows of sequences not running have zero gate gradients.
        Gemm.Multiply(true, false, gh, din, rows, 1f, dxg, gh, layerInput.Span, din, 1f, dir.InputWeight.Gradient, din);
        Gemm.Multiply(true, false, gh, h, rows, 1f, dhg, gh, hs.Slice(dir.Reverse ? batch * h : 0, rows * h), h, 1f, dir.HiddenWeight.Gradient, h);
        Span<float> dbi = dir.InputBias.Gradient, dbh = dir.HiddenBias.Gradient;
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(dbi, dxg.Slice(r * gh, gh), dbi);
            TensorPrimitives.Add(dbh, dhg.Slice(r * gh, gh), dbh);
        }
        if (layerInputGrad is not null)
            Gemm.Multiply(false, false, rows, din, gh, 1f, dxg, gh, dir.InputWeight.Value, din, accumulate ? 1f : 0f, layerInputGrad.Span, din);

        if (dir.ConditioningWeight is { } wvh)
        {
            int c = _options.ConditioningSize;
            _gatesSum.Resize(batch, gh);
            Span<float> sum = _gatesSum.Span;
            dxg[..(batch * gh)].CopyTo(sum);
            for (int t = 1; t < steps; t++) TensorPrimitives.Add(sum, dxg.Slice(t * batch * gh, batch * gh), sum);
            Gemm.Multiply(true, false, gh, c, batch, 1f, sum, gh, _v.Span, c, 1f, wvh.Gradient, c);
            if (wantConditioning) Gemm.Multiply(false, false, batch, c, gh, 1f, sum, gh, wvh.Value, c, 1f, _vGrad.Span, c);
        }
    }

    private void StartGrad(Span<float> grad, Tensor? finalGrad, int index)
    {
        int batch = _batch, h = _hidden;
        if (finalGrad is null) grad.Clear();
        else GatherRows(grad, finalGrad.Span.Slice(index * batch * h, batch * h), 1, batch, h);
    }

    private void FinishInitialGrad(ReadOnlySpan<float> grad, Tensor? initialGrad, InitialState source, Parameter? learned, int index)
    {
        int batch = _batch, h = _hidden;
        if (initialGrad is not null)
            ScatterRows(initialGrad.Span.Slice(index * batch * h, batch * h), grad, 1, batch, h);
        if (source == InitialState.Learned)
        {
            Span<float> g = learned!.Gradient.Slice(index * h, h);
            for (int j = 0; j < batch; j++) TensorPrimitives.Add(g, grad.Slice(j * h, h), g);
        }
    }
}
