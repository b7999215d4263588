using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class RecurrentLayer
{
    private enum InitialState { Zero, Supplied, Learned }

    private readonly Tensor[] _outputs;      // [T, B, dirs*H] per layer, sorted batch order
    private readonly Tensor[] _dropped;      // [T, B, dirs*H] per layer below the top: dropout of _outputs
    private readonly Tensor _x = new(0);     // [T, B, D] input in sorted batch order
    private readonly Tensor _v = new(0);     // [B, C] conditioning in sorted batch order
    private readonly Tensor _vProjection = new(0);   // [B, G*H]
    private readonly Tensor _hiddenGates = new(0);   // GRU: [B, G*H] one step's h_prev W_hh^T + b_hh
    private readonly Tensor _bias = new(0);          // [G*H] folded bias of one direction
    private int[] _order = [];          // _order[j] = original batch index of sorted row j (length descending, stable)
    private int[] _sortedLengths = [];
    private int[] _running = [];        // _running[t] = sequences with length > t: they are rows 0.._running[t]-1
    private int _steps, _batch;
    private bool _forwardDone, _dropoutActive;
    private InitialState _hiddenSource, _cellSource;

    /// <summary>
    /// Runs the stack over a batch of sequences with PyTorch packed-sequence semantics: sequence b updates only at
    /// times t &lt; lengths[b]; output rows at t &gt;= lengths[b] are zero; the reverse direction starts at
    /// lengths[b] - 1; final states are each sequence's own (forward: at its end, reverse: at t = 0). A length of 0
    /// gives zero outputs and final state = initial state. Caches what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="input">x, <c>[T, B, D]</c>, time-major (copied: the caller may reuse it before Backward).</param>
    /// <param name="lengths">Length of each sequence, <c>[B]</c>, each in [0, T]; empty means all T.</param>
    /// <param name="initialHidden">h0, <c>[L*dirs, B, H]</c>; null means the learned h0 (if configured) or zeros.</param>
    /// <param name="initialCell">LSTM c0, <c>[L*dirs, B, H]</c>; null means the learned c0 (if configured) or zeros.</param>
    /// <param name="conditioning">v, <c>[B, C]</c>; required exactly when <c>ConditioningSize</c> &gt; 0.</param>
    /// <param name="output">y, <c>[T, B, dirs*H]</c>, <c>[forward | reverse]</c> in the last dimension: resized and written.</param>
    /// <param name="finalHidden">h_n, <c>[L*dirs, B, H]</c>, index <c>layer*dirs + direction</c>: resized and written.</param>
    /// <param name="finalCell">LSTM c_n, <c>[L*dirs, B, H]</c>: resized and written; null if not wanted.</param>
    /// <param name="training">Whether dropout between layers is active.</param>
    public void Forward(
        Tensor input, ReadOnlySpan<int> lengths, Tensor? initialHidden, Tensor? initialCell, Tensor? conditioning,
        Tensor output, Tensor finalHidden, Tensor? finalCell, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(finalHidden);
        if (input.Rank != 3 || input.Dim(2) != _options.InputSize || input.Dim(0) == 0 || input.Dim(1) == 0)
            ThrowHelper.Argument(nameof(input), input.ToString(), $"it must have shape [T, B, {_options.InputSize}] with T and B positive");
        int steps = input.Dim(0), batch = input.Dim(1), h = _hidden, states = _layers * _dirs;
        CheckShape(initialHidden, nameof(initialHidden), states, batch, h);
        if (initialCell is not null && _options.Cell != CellType.Lstm)
            ThrowHelper.Argument(nameof(initialCell), initialCell.ToString(), $"it must be null for a {_options.Cell} layer");
        CheckShape(initialCell, nameof(initialCell), states, batch, h);
        if ((conditioning is null) != (_options.ConditioningSize == 0))
            ThrowHelper.Argument(nameof(conditioning), conditioning?.ToString(), $"it must be given exactly when ConditioningSize ({_options.ConditioningSize}) is positive");
        CheckShape(conditioning, nameof(conditioning), batch, _options.ConditioningSize);
        SortBatch(lengths, steps, batch);

        _x.Resize(steps, batch, _options.InputSize);
        GatherRows(_x.Span, input.Span, steps, batch, _options.InputSize);
        if (conditioning is not null)
        {
            _v.Resize(batch, _options.ConditioningSize);
            GatherRows(_v.Span, conditioning.Span, 1, batch, _options.ConditioningSize);
        }
        _hiddenSource = initialHidden is not null ? InitialState.Supplied : _h0 is not null ? InitialState.Learned : InitialState.Zero;
        _cellSource = initialCell is not null ? InitialState.Supplied : _c0 is not null ? InitialState.Learned : InitialState.Zero;
        _dropoutActive = training && _options.Dropout > 0f;

        for (int k = 0; k < _layers; k++)
        {
            Tensor layerInput = LayerInput(k);
            Tensor layerOutput = _outputs[k];
            layerOutput.Resize(steps, batch, _dirs * h);
            for (int d = 0; d < _dirs; d++) ForwardDirection(_directions[k * _dirs + d], layerInput, layerOutput, initialHidden, initialCell);
            if (k < _layers - 1) _dropouts[k].Forward(layerOutput, _dropped[k], _dropoutActive);
        }

        output.Resize(steps, batch, _dirs * h);
        ScatterRows(output.Span, _outputs[_layers - 1].Span, steps, batch, _dirs * h);
        finalHidden.Resize(states, batch, h);
        finalCell?.Resize(states, batch, h);
        foreach (var dir in _directions)
        {
            int final = dir.FinalSlot(steps) * batch * h;
            ScatterRows(finalHidden.Span.Slice(dir.Index * batch * h, batch * h), dir.States.Span.Slice(final, batch * h), 1, batch, h);
            if (finalCell is not null && _options.Cell == CellType.Lstm)
                ScatterRows(finalCell.Span.Slice(dir.Index * batch * h, batch * h), dir.Cells.Span.Slice(final, batch * h), 1, batch, h);
            else finalCell?.Span.Slice(dir.Index * batch * h, batch * h).Clear();
        }
        _forwardDone = true;
    }

    /// <summary>The input of layer k in sorted batch order: x for layer 0, the (dropped-out) output below otherwise.</summary>
    private Tensor LayerInput(int k) => k == 0 ? _x : _dropoutActive ? _dropped[k - 1] : _outputs[k - 1];

    private void ForwardDirection(Direction dir, Tensor layerInput, Tensor layerOutput, Tensor? initialHidden, Tensor? initialCell)
    {
        int steps = _steps, batch = _batch, h = _hidden, gh = _gates, din = dir.InputSize, rows = steps * batch;
        bool lstm = _options.Cell == CellType.Lstm, gru = _options.Cell == CellType.Gru, relu = _options.Cell == CellType.RnnRelu;
        Gemm.PackedMatrix whh = dir.PackHidden(h, gh);

        // The input projection of every step at once; b_hh joins b_ih except for GRU, whose r gate scales W_hn h + b_hn.
        dir.Gates.Resize(steps, batch, gh);
        Span<float> gates = dir.Gates.Span;
        _bias.Resize(gh);
        Span<float> bias = _bias.Span;
        dir.InputBias.Value.CopyTo(bias);
        if (!gru) TensorPrimitives.Add(bias, dir.HiddenBias.Value, bias);
        Gemm.MultiplyAddRowBias(false, true, rows, gh, din, layerInput.Span, din, dir.InputWeight.Value, din, bias, gates, gh);
        if (dir.ConditioningWeight is { } wvh)
        {
            int c = _options.ConditioningSize;
            _vProjection.Resize(batch, gh);
            Gemm.Multiply(false, true, batch, gh, c, 1f, _v.Span, c, wvh.Value, c, 0f, _vProjection.Span, gh);
            for (int t = 0; t < steps; t++)
                TensorPrimitives.Add(gates.Slice(t * batch * gh, batch * gh), _vProjection.Span, gates.Slice(t * batch * gh, batch * gh));
        }

        dir.States.Resize(steps + 1, batch, h);
        Span<float> hs = dir.States.Span;
        Span<float> cs = default;
        int initial = dir.InitialSlot(steps) * batch * h;
        FillInitial(hs.Slice(initial, batch * h), _hiddenSource, initialHidden, _h0, dir.Index);
        if (lstm)
        {
            dir.Cells.Resize(steps + 1, batch, h);
            cs = dir.Cells.Span;
            FillInitial(cs.Slice(initial, batch * h), _cellSource, initialCell, _c0, dir.Index);
        }
        if (gru)
        {
            dir.HiddenN.Resize(steps, batch, h);
            _hiddenGates.Resize(batch, gh);
        }

        Span<float> y = layerOutput.Span;
        int width = _dirs * h, offset = dir.Reverse ? h : 0;
        int gateCount = _options.GateCount;
        int blockThreads = RecurrentStepJob.Supports(whh, batch, h, gateCount)
            ? RecurrentSequenceJob.Threads(ComputeSettings.MaxThreads, batch, steps, gateCount, h) : 1;
        for (int s = 0; s < steps; s++)
        {
            if (blockThreads > 1)
            {
                // The next steps split by rows instead of one at a time: one hand-off for them all.
                int end = Math.Min(steps, s + RecurrentSequenceJob.MaxSteps);
                RecurrentSequenceJob.Run(blockThreads, whh, _options.Cell, h, batch, steps, dir.Reverse, s, end, _running, hs, cs, gates,
                    gru ? _hiddenGates.Span : default, gru ? dir.HiddenN.Span : default, gru ? dir.HiddenBias.Value : default, y, width, offset);
                s = end - 1;
                continue;
            }
            int t = dir.Time(s, steps);
            int n = _running[t];
            Span<float> hPrev = hs.Slice(dir.PreviousSlot(t) * batch * h, batch * h);
            Span<float> hCur = hs.Slice(dir.CurrentSlot(t) * batch * h, batch * h);
            Span<float> g = gates.Slice(t * batch * gh, batch * gh);
            Span<float> stepOutput = y.Slice(t * batch * width, batch * width);
            // Whether the fused step has already copied the running rows' h into the output.
            bool written = false;
            if (n > 0)
            {
                if (gru)
                {
                    Span<float> hg = _hiddenGates.Span;
                    if (RecurrentStepJob.Supports(whh, n, h, 3))
                    {
                        RecurrentStepJob.RunGru(ComputeSettings.MaxThreads, whh, n, h, hPrev, dir.HiddenBias.Value, hg, g,
                            dir.HiddenN.Span.Slice(t * batch * h, batch * h), hCur, stepOutput, width, offset);
                        written = true;
                    }
                    else
                    {
                        for (int r = 0; r < n; r++) dir.HiddenBias.Value.CopyTo(hg.Slice(r * gh, gh));
                        Gemm.Multiply(false, n, 1f, hPrev, h, whh, 1f, hg, gh);
                        GruCell.Forward(hCur, dir.HiddenN.Span.Slice(t * batch * h, batch * h), g, hg, hPrev, n, h);
                    }
                }
                else if (lstm && RecurrentStepJob.Supports(whh, n, h, 4))
                {
                    RecurrentStepJob.Run(ComputeSettings.MaxThreads, whh, n, h, hPrev, g,
                        cs.Slice(dir.PreviousSlot(t) * batch * h, batch * h), cs.Slice(dir.CurrentSlot(t) * batch * h, batch * h), hCur,
                        stepOutput, width, offset);
                    written = true;
                }
                else if (!lstm && RecurrentStepJob.Supports(whh, n, h, 1))
                {
                    RecurrentStepJob.RunRnn(ComputeSettings.MaxThreads, whh, n, h, relu, hPrev, g, hCur, stepOutput, width, offset);
                    written = true;
                }
                else
                {
                    Gemm.Multiply(false, n, 1f, hPrev, h, whh, 1f, g, gh);
                    if (lstm)
                    {
                        LstmCell.Forward(hCur, cs.Slice(dir.CurrentSlot(t) * batch * h, batch * h), g,
                            cs.Slice(dir.PreviousSlot(t) * batch * h, batch * h), n, h);
                    }
                    else RnnCell.Forward(hCur, g, n, h, relu);
                }
            }
            // Sequences not running at t (finished, or for the reverse direction not yet started) carry their state.
            hPrev[(n * h)..].CopyTo(hCur[(n * h)..]);
            if (lstm) cs.Slice(dir.PreviousSlot(t) * batch * h + n * h, (batch - n) * h).CopyTo(cs.Slice(dir.CurrentSlot(t) * batch * h + n * h, (batch - n) * h));
            for (int j = written ? n : 0; j < batch; j++)
            {
                Span<float> dst = stepOutput.Slice(j * width + offset, h);
                if (j < n) hCur.Slice(j * h, h).CopyTo(dst);
                else dst.Clear();
            }
        }
    }

    private void FillInitial(Span<float> slot, InitialState source, Tensor? supplied, Parameters.Parameter? learned, int index)
    {
        int batch = _batch, h = _hidden;
        switch (source)
        {
            case InitialState.Supplied:
                GatherRows(slot, supplied!.Span.Slice(index * batch * h, batch * h), 1, batch, h);
                break;
            case InitialState.Learned:
                for (int j = 0; j < batch; j++) learned!.Value.Slice(index * h, h).CopyTo(slot.Slice(j * h, h));
                break;
            default:
                slot.Clear();
                break;
        }
    }
}
