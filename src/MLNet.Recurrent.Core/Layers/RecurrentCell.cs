using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// One recurrent cell with its own weights, advanced one step at a time with a forward and a backward per step:
/// the building block of decoders whose next input depends on the previous step (attention, input feeding).
/// Same math and parameter names as PyTorch's <c>nn.RNNCell</c> / <c>nn.LSTMCell</c> / <c>nn.GRUCell</c>:
/// <c>weight_ih</c> <c>[G*H, D]</c>, <c>weight_hh</c> <c>[G*H, H]</c>, <c>bias_ih</c> <c>[G*H]</c>, <c>bias_hh</c>
/// <c>[G*H]</c>, gate blocks in PyTorch's order (LSTM i, f, g, o; GRU r, z, n with
/// <c>n = tanh(W_in x + b_in + r * (W_hn h + b_hn))</c>).
/// </summary>
public sealed class RecurrentCell
{
    private readonly Parameter _wih, _whh, _bih, _bhh;
    private readonly int _gates;

    /// <summary>Builds the cell and registers its parameters (zero-filled) in <paramref name="parameters"/>.</summary>
    /// <param name="cell">The cell type.</param>
    /// <param name="inputSize">D; must be positive.</param>
    /// <param name="hiddenSize">H; must be positive.</param>
    /// <param name="parameters">Where the weights live.</param>
    /// <param name="prefix">Prefix of every parameter name, e.g. <c>"decoder."</c>.</param>
    public RecurrentCell(CellType cell, int inputSize, int hiddenSize, ParameterSet parameters, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new RecurrentLayerOptions { Cell = cell, InputSize = inputSize, HiddenSize = hiddenSize };
        options.Validate();
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        _gates = options.GateCount * hiddenSize;
        _wih = parameters.Add($"{prefix}weight_ih", _gates, inputSize);
        _whh = parameters.Add($"{prefix}weight_hh", _gates, hiddenSize);
        _bih = parameters.Add($"{prefix}bias_ih", _gates);
        _bhh = parameters.Add($"{prefix}bias_hh", _gates);
    }

    /// <summary>The cell type.</summary>
    public CellType Cell { get; }

    /// <summary>D.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>PyTorch's default initialization: every weight uniform in <c>[-1/sqrt(H), 1/sqrt(H)]</c>.</summary>
    /// <param name="random">The generator; a seeded one gives the same weights every time.</param>
    public void InitializeWeights(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float bound = 1f / MathF.Sqrt(HiddenSize);
        foreach (var p in (ReadOnlySpan<Parameter>)[_wih, _whh, _bih, _bhh])
        {
            Span<float> w = p.Value;
            for (int i = 0; i < w.Length; i++) w[i] = (2f * random.NextSingle() - 1f) * bound;
        }
    }

    /// <summary>One step forward, saving what <see cref="Backward"/> needs in <paramref name="cache"/>.</summary>
    /// <param name="input">x, <c>[B, D]</c>.</param>
    /// <param name="hiddenPrev">h_prev, <c>[B, H]</c>.</param>
    /// <param name="cellPrev">LSTM c_prev, <c>[B, H]</c>; empty for other cells.</param>
    /// <param name="hidden">h, <c>[B, H]</c>: written; may be the same memory as <paramref name="hiddenPrev"/>.</param>
    /// <param name="cell">LSTM c, <c>[B, H]</c>: written, may be the same memory as <paramref name="cellPrev"/>; empty for other cells.</param>
    /// <param name="cache">This step's cache.</param>
    /// <param name="batch">B; must be positive.</param>
    public void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> hiddenPrev, ReadOnlySpan<float> cellPrev,
        Span<float> hidden, Span<float> cell, RecurrentCellCache cache, int batch)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ThrowHelper.ThrowIfNotPositive(batch, nameof(batch));
        int d = InputSize, h = HiddenSize, gh = _gates;
        bool lstm = Cell == CellType.Lstm;
        ThrowHelper.ThrowIfTooShort(input.Length, (long)batch * d, nameof(input));
        ThrowHelper.ThrowIfTooShort(hiddenPrev.Length, (long)batch * h, nameof(hiddenPrev));
        ThrowHelper.ThrowIfTooShort(hidden.Length, (long)batch * h, nameof(hidden));
        if (lstm)
        {
            ThrowHelper.ThrowIfTooShort(cellPrev.Length, (long)batch * h, nameof(cellPrev));
            ThrowHelper.ThrowIfTooShort(cell.Length, (long)batch * h, nameof(cell));
        }
        cache.Batch = batch;
        cache.Input.Resize(batch, d);
        input[..(batch * d)].CopyTo(cache.Input.Span);
        cache.HiddenPrev.Resize(batch, h);
        hiddenPrev[..(batch * h)].CopyTo(cache.HiddenPrev.Span);
        cache.Gates.Resize(batch, gh);
        Span<float> gates = cache.Gates.Span;
        for (int r = 0; r < batch; r++)
        {
            Span<float> row = gates.Slice(r * gh, gh);
            if (Cell == CellType.Gru) _bih.Value.CopyTo(row);
            else TensorPrimitives.Add(_bih.Value, _bhh.Value, row);
        }
        Gemm.Multiply(false, true, batch, gh, d, 1f, cache.Input.Span, d, _wih.Value, d, 1f, gates, gh);
        ReadOnlySpan<float> hPrev = cache.HiddenPrev.Span;
        switch (Cell)
        {
            case CellType.Gru:
                cache.HiddenGates.Resize(batch, gh);
                cache.HiddenN.Resize(batch, h);
                Span<float> hg = cache.HiddenGates.Span;
                for (int r = 0; r < batch; r++) _bhh.Value.CopyTo(hg.Slice(r * gh, gh));
                Gemm.Multiply(false, true, batch, gh, h, 1f, hPrev, h, _whh.Value, h, 1f, hg, gh);
                GruCell.Forward(hidden, cache.HiddenN.Span, gates, hg, hPrev, batch, h);
                break;
            case CellType.Lstm:
                Gemm.Multiply(false, true, batch, gh, h, 1f, hPrev, h, _whh.Value, h, 1f, gates, gh);
                cache.CellPrev.Resize(batch, h);
                cellPrev[..(batch * h)].CopyTo(cache.CellPrev.Span);
                cache.Cell.Resize(batch, h);
                LstmCell.Forward(hidden, cache.Cell.Span, gates, cache.CellPrev.Span, batch, h);
                cache.Cell.Span.CopyTo(cell);
                break;
            default:
                Gemm.Multiply(false, true, batch, gh, h, 1f, hPrev, h, _whh.Value, h, 1f, gates, gh);
                RnnCell.Forward(hidden, gates, batch, h, Cell == CellType.RnnRelu);
                break;
        }
    }

    /// <summary>
    /// One step backward from the gradients reaching h and c; parameter gradients are accumulated (+=).
    /// </summary>
    /// <param name="inputGrad">dx, <c>[B, D]</c>: overwritten; empty if not wanted.</param>
    /// <param name="hiddenPrevGrad">dh_prev, <c>[B, H]</c>: overwritten; may be the same memory as <paramref name="hiddenGrad"/>.</param>
    /// <param name="cellPrevGrad">LSTM dc_prev, <c>[B, H]</c>: overwritten, may be the same memory as <paramref name="cellGrad"/>; empty for other cells.</param>
    /// <param name="hiddenGrad">dh, <c>[B, H]</c>: the total gradient reaching h (output and next step).</param>
    /// <param name="cellGrad">LSTM dc, <c>[B, H]</c>: the gradient reaching c from the next step; empty for other cells.</param>
    /// <param name="cache">The cache this step's Forward filled.</param>
    public void Backward(
        Span<float> inputGrad, Span<float> hiddenPrevGrad, Span<float> cellPrevGrad,
        ReadOnlySpan<float> hiddenGrad, ReadOnlySpan<float> cellGrad, RecurrentCellCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Batch == 0) ThrowHelper.InvalidOperation("Backward was called with a cache no Forward has filled.");
        int batch = cache.Batch, d = InputSize, h = HiddenSize, gh = _gates;
        ThrowHelper.ThrowIfTooShort(hiddenGrad.Length, (long)batch * h, nameof(hiddenGrad));
        ThrowHelper.ThrowIfTooShort(hiddenPrevGrad.Length, (long)batch * h, nameof(hiddenPrevGrad));
        cache.GatesGrad.Resize(batch, gh);
        Span<float> dg = cache.GatesGrad.Span, dhg = dg;
        ReadOnlySpan<float> gates = cache.Gates.Span, hPrev = cache.HiddenPrev.Span;
        switch (Cell)
        {
            case CellType.Gru:
                cache.HiddenGatesGrad.Resize(batch, gh);
                dhg = cache.HiddenGatesGrad.Span;
                GruCell.Backward(dg, dhg, hiddenPrevGrad, hiddenGrad, gates, cache.HiddenN.Span, hPrev, batch, h);
                break;
            case CellType.Lstm:
                ThrowHelper.ThrowIfTooShort(cellGrad.Length, (long)batch * h, nameof(cellGrad));
                ThrowHelper.ThrowIfTooShort(cellPrevGrad.Length, (long)batch * h, nameof(cellPrevGrad));
                LstmCell.Backward(dg, cellPrevGrad, hiddenGrad, cellGrad, gates, cache.CellPrev.Span, cache.Cell.Span, batch, h);
                break;
            default:
                RnnCell.Backward(dg, hiddenGrad, gates, batch, h, Cell == CellType.RnnRelu);
                break;
        }
        Gemm.Multiply(false, false, batch, h, gh, 1f, dhg, gh, _whh.Value, h, Cell == CellType.Gru ? 1f : 0f, hiddenPrevGrad, h);
        if (!inputGrad.IsEmpty)
        {
            ThrowHelper.ThrowIfTooShort(inputGrad.Length, (long)batch * d, nameof(inputGrad));
            Gemm.Multiply(false, false, batch, d, gh, 1f, dg, gh, _wih.Value, d, 0f, inputGrad, d);
        }
        Gemm.Multiply(true, false, gh, d, batch, 1f, dg, gh, cache.Input.Span, d, 1f, _wih.Gradient, d);
        Gemm.Multiply(true, false, gh, h, batch, 1f, dhg, gh, hPrev, h, 1f, _whh.Gradient, h);
        Span<float> dbi = _bih.Gradient, dbh = _bhh.Gradient;
        for (int r = 0; r < batch; r++)
        {
            TensorPrimitives.Add(dbi, dg.Slice(r * gh, gh), dbi);
            TensorPrimitives.Add(dbh, dhg.Slice(r * gh, gh), dbh);
        }
    }
}
