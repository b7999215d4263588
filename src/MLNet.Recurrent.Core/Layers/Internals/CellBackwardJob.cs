using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// One step of an LSTM or GRU backward pass before its product by W_hh, split by rows over threads: each task adds the
/// output gradient of its rows into dh (<c>dh += dy</c>), then runs the cell's <c>Backward</c> on them. Rows are
/// independent and each row makes exactly the calls the whole-batch call makes, so the split changes no bit; it only
/// stops the cell's elementwise work (a tanh per unit for the LSTM) from running on one thread while the other waits.
/// </summary>
internal sealed unsafe class CellBackwardJob : ParallelJob
{
    // Below this many units a step's cell is cheaper done than handed off.
    private const int MinUnitsPerThread = 4096;

    private bool _gru;
    private int _rows, _h, _rowsPerTask, _width, _offset;
    private float* _dh, _dy, _dc, _gatesGrad, _hiddenGatesGrad, _gates, _cellPrev, _cell, _hiddenN, _hiddenPrev;

    /// <summary>
    /// LSTM: <c>dh += dy</c> for the first <paramref name="rows"/> rows, then <see cref="LstmCell.Backward"/> with dc_prev
    /// written over dc. <paramref name="dy"/> is the step's slice of the layer output gradient, rows
    /// <paramref name="width"/> apart, this direction's h at <paramref name="offset"/>.
    /// </summary>
    internal static void RunLstm(
        int threads, int rows, int h, Span<float> dh, ReadOnlySpan<float> dy, int width, int offset,
        Span<float> gatesGrad, Span<float> dc, ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> cell)
    {
        var job = JobPool<CellBackwardJob>.Rent();
        fixed (float* pdh = dh)
        fixed (float* pdy = dy)
        fixed (float* pdg = gatesGrad)
        fixed (float* pdc = dc)
        fixed (float* pg = gates)
        fixed (float* pcp = cellPrev)
        fixed (float* pc = cell)
        {
            job._gru = false;
            job._dh = pdh; job._dy = pdy; job._gatesGrad = pdg; job._dc = pdc;
            job._gates = pg; job._cellPrev = pcp; job._cell = pc;
            job.Start(threads, rows, h, width, offset);
        }
    }

    /// <summary>
    /// GRU: <c>dh += dy</c> for the first <paramref name="rows"/> rows, then <see cref="GruCell.Backward"/> with the
    /// direct part of dh_prev written over dh; arguments as in <see cref="RunLstm"/>.
    /// </summary>
    internal static void RunGru(
        int threads, int rows, int h, Span<float> dh, ReadOnlySpan<float> dy, int width, int offset,
        Span<float> gatesGrad, Span<float> hiddenGatesGrad, ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> hiddenPrev)
    {
        var job = JobPool<CellBackwardJob>.Rent();
        fixed (float* pdh = dh)
        fixed (float* pdy = dy)
        fixed (float* pdg = gatesGrad)
        fixed (float* pdhg = hiddenGatesGrad)
        fixed (float* pg = gates)
        fixed (float* pn = hiddenN)
        fixed (float* php = hiddenPrev)
        {
            job._gru = true;
            job._dh = pdh; job._dy = pdy; job._gatesGrad = pdg; job._hiddenGatesGrad = pdhg;
            job._gates = pg; job._hiddenN = pn; job._hiddenPrev = php;
            job.Start(threads, rows, h, width, offset);
        }
    }

    private void Start(int threads, int rows, int h, int width, int offset)
    {
        (_rows, _h, _width, _offset) = (rows, h, width, offset);
        threads = Math.Clamp(rows * h / MinUnitsPerThread, 1, threads);
        // Four tasks a thread, so a late thread holds up little.
        int tasks = Math.Min(rows, 4 * threads);
        _rowsPerTask = (rows + tasks - 1) / tasks;
        Execute((rows + _rowsPerTask - 1) / _rowsPerTask, threads);
    }

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int r0 = task * _rowsPerTask, count = Math.Min(_rows, r0 + _rowsPerTask) - r0, h = _h;
        var dh = new Span<float>(_dh + (nint)r0 * h, count * h);
        for (int j = 0; j < count; j++)
        {
            var row = dh.Slice(j * h, h);
            TensorPrimitives.Add(row, new ReadOnlySpan<float>(_dy + (nint)(r0 + j) * _width + _offset, h), row);
        }
        if (_gru)
        {
            int g3 = 3 * h;
            GruCell.Backward(
                new Span<float>(_gatesGrad + (nint)r0 * g3, count * g3), new Span<float>(_hiddenGatesGrad + (nint)r0 * g3, count * g3),
                dh, dh, new ReadOnlySpan<float>(_gates + (nint)r0 * g3, count * g3), new ReadOnlySpan<float>(_hiddenN + (nint)r0 * h, count * h),
                new ReadOnlySpan<float>(_hiddenPrev + (nint)r0 * h, count * h), count, h);
        }
        else
        {
            int g4 = 4 * h;
            var dc = new Span<float>(_dc + (nint)r0 * h, count * h);
            LstmCell.Backward(
                new Span<float>(_gatesGrad + (nint)r0 * g4, count * g4), dc, dh, dc, new ReadOnlySpan<float>(_gates + (nint)r0 * g4, count * g4),
                new ReadOnlySpan<float>(_cellPrev + (nint)r0 * h, count * h), new ReadOnlySpan<float>(_cell + (nint)r0 * h, count * h), count, h);
        }
    }
}
