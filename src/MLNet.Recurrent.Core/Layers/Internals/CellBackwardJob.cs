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

    private int _rows, _h, _rowsPerTask;
    private CellBackwardBuffers _step;

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
            job._step = new CellBackwardBuffers
            {
                Kind = CellType.Lstm, StateGrad = pdh, OutputGrad = pdy, OutputStride = width, OutputOffset = offset, GatesGrad = pdg, CellGrad = pdc,
                Gates = pg, CellPrev = pcp, Cell = pc,
            };
            job.Start(threads, rows, h);
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
            job._step = new CellBackwardBuffers
            {
                Kind = CellType.Gru, StateGrad = pdh, OutputGrad = pdy, OutputStride = width, OutputOffset = offset, GatesGrad = pdg,
                HiddenGatesGrad = pdhg, Gates = pg, HiddenN = pn, HiddenPrev = php,
            };
            job.Start(threads, rows, h);
        }
    }

    private void Start(int threads, int rows, int h)
    {
        (_rows, _h) = (rows, h);
        threads = Math.Clamp(rows * h / MinUnitsPerThread, 1, threads);
        // Four tasks a thread, so a late thread holds up little.
        int tasks = Math.Min(rows, 4 * threads);
        _rowsPerTask = (rows + tasks - 1) / tasks;
        Execute((rows + _rowsPerTask - 1) / _rowsPerTask, threads);
    }

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int r0 = task * _rowsPerTask;
        RunRows(in _step, _h, r0, Math.Min(_rows, r0 + _rowsPerTask) - r0);
    }

    /// <summary>The step for rows [<paramref name="r0"/>, <paramref name="r0"/> + <paramref name="count"/>): each row makes exactly the calls of the whole-batch step.</summary>
    internal static void RunRows(in CellBackwardBuffers step, int h, int r0, int count)
    {
        var dh = new Span<float>(step.StateGrad + (nint)r0 * h, count * h);
        for (int j = 0; j < count; j++)
        {
            var row = dh.Slice(j * h, h);
            TensorPrimitives.Add(row, new ReadOnlySpan<float>(step.OutputGrad + (nint)(r0 + j) * step.OutputStride + step.OutputOffset, h), row);
        }
        if (step.Kind is CellType.RnnTanh or CellType.RnnRelu)
        {
            RnnCell.Backward(
                new Span<float>(step.GatesGrad + (nint)r0 * h, count * h), dh, new ReadOnlySpan<float>(step.Gates + (nint)r0 * h, count * h),
                count, h, step.Kind == CellType.RnnRelu);
        }
        else if (step.Kind == CellType.Gru)
        {
            int g3 = 3 * h;
            GruCell.Backward(
                new Span<float>(step.GatesGrad + (nint)r0 * g3, count * g3), new Span<float>(step.HiddenGatesGrad + (nint)r0 * g3, count * g3),
                dh, dh, new ReadOnlySpan<float>(step.Gates + (nint)r0 * g3, count * g3), new ReadOnlySpan<float>(step.HiddenN + (nint)r0 * h, count * h),
                new ReadOnlySpan<float>(step.HiddenPrev + (nint)r0 * h, count * h), count, h);
        }
        else
        {
            int g4 = 4 * h;
            var dc = new Span<float>(step.CellGrad + (nint)r0 * h, count * h);
            LstmCell.Backward(
                new Span<float>(step.GatesGrad + (nint)r0 * g4, count * g4), dc, dh, dc, new ReadOnlySpan<float>(step.Gates + (nint)r0 * g4, count * g4),
                new ReadOnlySpan<float>(step.CellPrev + (nint)r0 * h, count * h), new ReadOnlySpan<float>(step.Cell + (nint)r0 * h, count * h), count, h);
        }
    }
}
