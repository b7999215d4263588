using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// One LSTM, GRU or Elman RNN forward step fused into one parallel job: the recurrent product <c>+= h_prev W_hh^T</c>
/// (into the LSTM's or the RNN's gates, or the GRU's hidden gates, which hold b_hh on entry) and the cell's elementwise
/// update (<see cref="LstmCell"/>, <see cref="GruCell"/>, <see cref="RnnCell"/>) for a block of rows and hidden units are one task, so the
/// nonlinearities run on every thread while the block is still in cache, with one hand-off per step instead of a
/// product on all threads followed by the cell on one. The caller packs h_prev once for all tasks before handing the
/// step out, so tasks can be small (a late thread then holds up little) at no cost in repeated packing.
/// A task owns hidden units [u0, u1) of every gate, which is why
/// it needs W_hh^T packed with each gate starting on a panel boundary (H a multiple of the kernel's panel width).
/// </summary>
/// <remarks>
/// Bit-identical to <c>Gemm.Multiply(h_prev, packed W_hh^T, beta 1)</c> followed by the cell's <c>Forward</c>: the
/// same macro-kernel (<see cref="GemmMacroKernel"/>, edge rows included) runs the same k blocks in the same order with
/// the same epilogue (and every element of any of its paths is the same chain), and the cell sees every element
/// through the same TensorPrimitives calls on sub-spans of whole panels (16 or 32 units, never below the widest
/// vector TensorPrimitives uses, so no element takes a narrower or scalar path). h_prev must not overlap the hidden
/// output (other tasks still read it). The two-stage path is kept for the shapes this does not support and as the
/// reference the tests hold it to.
/// </remarks>
internal sealed unsafe class RecurrentStepJob : ParallelJob
{
    [ThreadStatic] private static bool t_disabled;

    /// <summary>
    /// Whether the fused step is turned off for layers run on the calling thread, which then take the two-stage path
    /// (for tests that compare the two).
    /// </summary>
    internal static bool DisabledOnThisThread
    {
        get => t_disabled;
        set => t_disabled = value;
    }

    private GemmKernel _kernel;
    private int _mr, _nr, _rows, _h, _gateCount;
    private float* _packed;
    private RecurrentStepBuffers _step;
    private int _taskRows, _taskUnits, _tasksAcross;

    // What one row's elementwise calls cost in a task beyond their elements' work, in multiply-adds of the product: the
    // eight TensorPrimitives calls of an LSTM row took about 66 ns more per call group at 32 units than at whole rows
    // (2 vCPU AVX2 machine), where the micro-kernel does about 40 multiply-adds per ns.
    private const int CellCallCost = 2500;
    // h_prev packed once per step for all tasks; its buffer only grows.
    private readonly PackedRows _sharedA = new();

    /// <summary>
    /// Whether <paramref name="rows"/> rows by the packed W_hh^T (<c>[H, G*H]</c>, G = <paramref name="gateCount"/>) of
    /// hidden size <paramref name="h"/> can take the fused step.
    /// </summary>
    internal static bool Supports(Gemm.PackedMatrix packed, int rows, int h, int gateCount) =>
        !t_disabled && packed.Kernel != GemmKernel.Scalar && (rows > GemmRowKernel.MaxRows || GemmRowKernel.Supports(packed.Kernel))
        && h % GemmMicroKernels.Columns(packed.Kernel) == 0 && packed.Rows == h && packed.Columns == gateCount * h;

    /// <summary>
    /// The threads a step takes when it has at most <see cref="GemmRowKernel.MaxRows"/> rows
    /// (one sequence served, a token generated): all of them from 2^16 multiply-adds per row (an LSTM from H 128, a GRU
    /// from H 148), where reading W_hh from the L2 cache bounds the step and each core then keeps its part of W_hh in
    /// its own L2; one below that.
    /// </summary>
    internal static int RowKernelThreads(int threads, int gateCount, int h) => (long)gateCount * h * h >= 1 << 16 ? threads : 1;

    /// <summary>
    /// Runs one step for the first <paramref name="rows"/> rows: <c>gates += hPrev W_hh^T</c>, then the LSTM cell, then
    /// each row's h copied into the layer output. Shapes and meanings as in <see cref="LstmCell.Forward"/>;
    /// <paramref name="packed"/> is W_hh^T (<c>[H, 4H]</c>); row r's h also goes to
    /// <c>output[r * outputStride + outputOffset ..][..H]</c>.
    /// </summary>
    internal static void Run(
        int threads, Gemm.PackedMatrix packed, int rows, int h,
        ReadOnlySpan<float> hPrev, Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> hidden,
        Span<float> output, int outputStride, int outputOffset)
    {
        CheckOutput(output, rows, h, outputStride, outputOffset);
        var job = JobPool<RecurrentStepJob>.Rent();
        fixed (float* ph = hPrev)
        fixed (float* pd = packed.Data)
        fixed (float* pg = gates)
        fixed (float* pcp = cellPrev)
        fixed (float* pc = cell)
        fixed (float* phid = hidden)
        fixed (float* po = output)
        {
            job._gateCount = 4;
            job._step = new RecurrentStepBuffers
            {
                Kind = CellType.Lstm, Rows = rows, HPrev = ph, Gates = pg, HiddenGates = pg, CellPrev = pcp, Cell = pc, Hidden = phid,
                Output = po, OutputStride = outputStride, OutputOffset = outputOffset,
            };
            job.Start(threads, packed.Kernel, rows, h, pd + packed.Offset);
        }
    }

    /// <summary>
    /// Runs one GRU step for the first <paramref name="rows"/> rows: <c>hiddenGates = b_hh + hPrev W_hh^T</c>, then the
    /// GRU cell, then each row's h copied into the layer output. Shapes and meanings as in <see cref="GruCell.Forward"/>;
    /// <paramref name="packed"/> is W_hh^T (<c>[H, 3H]</c>), <paramref name="hiddenBias"/> b_hh (<c>[3H]</c>); the output
    /// as in <see cref="Run"/>.
    /// </summary>
    internal static void RunGru(
        int threads, Gemm.PackedMatrix packed, int rows, int h,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hiddenBias, Span<float> hiddenGates, Span<float> gates, Span<float> hiddenN,
        Span<float> hidden, Span<float> output, int outputStride, int outputOffset)
    {
        CheckOutput(output, rows, h, outputStride, outputOffset);
        if (hiddenBias.Length != 3 * h) throw new ArgumentException($"'{nameof(hiddenBias)}' holds {hiddenBias.Length} values; it must hold 3 x {h}.", nameof(hiddenBias));
        var job = JobPool<RecurrentStepJob>.Rent();
        fixed (float* ph = hPrev)
        fixed (float* pd = packed.Data)
        fixed (float* pb = hiddenBias)
        fixed (float* phg = hiddenGates)
        fixed (float* pg = gates)
        fixed (float* pn = hiddenN)
        fixed (float* phid = hidden)
        fixed (float* po = output)
        {
            job._gateCount = 3;
            job._step = new RecurrentStepBuffers
            {
                Kind = CellType.Gru, Rows = rows, HPrev = ph, Gates = pg, HiddenGates = phg, HiddenBias = pb, HiddenN = pn, Hidden = phid,
                Output = po, OutputStride = outputStride, OutputOffset = outputOffset,
            };
            job.Start(threads, packed.Kernel, rows, h, pd + packed.Offset);
        }
    }

    /// <summary>
    /// Runs one Elman RNN step for the first <paramref name="rows"/> rows: <c>gates += hPrev W_hh^T</c>, then tanh (or
    /// relu) into <paramref name="hidden"/>, then each row's h copied into the layer output. Shapes and meanings as in
    /// <see cref="RnnCell.Forward"/>; <paramref name="packed"/> is W_hh^T (<c>[H, H]</c>); the output as in <see cref="Run"/>.
    /// </summary>
    internal static void RunRnn(
        int threads, Gemm.PackedMatrix packed, int rows, int h, bool relu,
        ReadOnlySpan<float> hPrev, Span<float> gates, Span<float> hidden, Span<float> output, int outputStride, int outputOffset)
    {
        CheckOutput(output, rows, h, outputStride, outputOffset);
        var job = JobPool<RecurrentStepJob>.Rent();
        fixed (float* ph = hPrev)
        fixed (float* pd = packed.Data)
        fixed (float* pg = gates)
        fixed (float* phid = hidden)
        fixed (float* po = output)
        {
            job._gateCount = 1;
            job._step = new RecurrentStepBuffers
            {
                Kind = relu ? CellType.RnnRelu : CellType.RnnTanh, Rows = rows, HPrev = ph, Gates = pg, HiddenGates = pg, Hidden = phid,
                Output = po, OutputStride = outputStride, OutputOffset = outputOffset,
            };
            job.Start(threads, packed.Kernel, rows, h, pd + packed.Offset);
        }
    }

    internal static void CheckOutput(ReadOnlySpan<float> output, int rows, int h, int stride, int offset)
    {
        if (stride < h || offset < 0 || offset > stride - h || output.Length < (long)(rows - 1) * stride + offset + h)
        {
            throw new ArgumentException(
                $"'{nameof(output)}' of length {output.Length} with stride {stride} and offset {offset} cannot hold {rows} rows of {h}.", nameof(output));
        }
    }

    private void Start(int threads, GemmKernel kernel, int rows, int h, float* packed)
    {
        _kernel = kernel;
        _mr = GemmMicroKernels.Rows(kernel);
        _nr = GemmMicroKernels.Columns(kernel);
        (_rows, _h) = (rows, h);
        _packed = packed;
        if (rows <= GemmRowKernel.MaxRows)
        {
            // The row kernel reads h_prev as it is; one block of units per thread, each a contiguous part of every gate.
            threads = RowKernelThreads(threads, _gateCount, h);
            SetGrid(1, (h / _nr + threads - 1) / threads);
        }
        else
        {
            // h_prev packed once for every task, so splitting the step finely costs no repeated packing.
            _sharedA.Pack(false, _step.HPrev, h, rows, h, _mr);
            long macs = (long)rows * _gateCount * h * h;
            threads = (int)Math.Clamp(macs >> 20, 1, threads);
            Plan(threads);
        }
        int tasks = ((rows + _taskRows - 1) / _taskRows) * _tasksAcross;
        Execute(tasks, threads);
    }

    /// <summary>
    /// Chooses the task block: whole row panels by whole unit panels, minimising the slowest thread's multiply-adds
    /// plus a per-row charge for the elementwise calls, plus one task's worth for the thread that finishes last (on a
    /// shared machine a thread is often late, and the smaller the tasks, the less the other waits for it). A task covers
    /// at most <see cref="GemmPacking.Nc"/> product columns (all gates together), as a GEMM task does, so the block of
    /// gates it adds to over the k blocks stays as small as the two-stage path's (64 rows by 4 x 512 columns is the whole
    /// L2 of this project's AVX2 machine).
    /// </summary>
    private void Plan(int threads)
    {
        int mPanels = (_rows + _mr - 1) / _mr, uPanels = _h / _nr;
        int maxUnitPanels = Math.Max(1, GemmPacking.Nc / _nr / _gateCount);
        int minAcross = (uPanels + maxUnitPanels - 1) / maxUnitPanels;
        if (threads == 1)
        {
            SetGrid(mPanels, (uPanels + minAcross - 1) / minAcross);
            return;
        }
        double best = double.MaxValue;
        int bestRows = mPanels, bestUnits = (uPanels + minAcross - 1) / minAcross, maxSplit = threads * 4;
        for (int down = 1; down <= Math.Min(mPanels, maxSplit); down++)
        {
            int rowPanels = (mPanels + down - 1) / down;
            for (int across = minAcross; across <= Math.Max(minAcross, Math.Min(uPanels, maxSplit)); across++)
            {
                int unitPanels = (uPanels + across - 1) / across;
                int tasks = ((mPanels + rowPanels - 1) / rowPanels) * ((uPanels + unitPanels - 1) / unitPanels);
                if (tasks < threads) continue;
                double rows = Math.Min(rowPanels * _mr, _rows), units = unitPanels * _nr;
                double perTask = rows * _gateCount * units * _h + CellCallCost * rows;
                double cost = (Math.Ceiling(tasks / (double)threads) + 1) * perTask;
                if (cost < best) (best, bestRows, bestUnits) = (cost, rowPanels, unitPanels);
            }
        }
        SetGrid(bestRows, bestUnits);
    }

    private void SetGrid(int rowPanels, int unitPanels)
    {
        _taskRows = rowPanels * _mr;
        _taskUnits = unitPanels * _nr;
        _tasksAcross = (_h + _taskUnits - 1) / _taskUnits;
    }

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int i0 = task / _tasksAcross * _taskRows, u0 = task % _tasksAcross * _taskUnits;
        RunBlock(_kernel, _gateCount, _h, _packed, in _step, _sharedA, 0, i0, Math.Min(_rows, i0 + _taskRows), u0, Math.Min(_h, u0 + _taskUnits));
    }

    /// <summary>
    /// The step for rows [<paramref name="i0"/>, <paramref name="iEnd"/>) and hidden units [<paramref name="u0"/>,
    /// <paramref name="u1"/>) of every gate: the product onto the block's gates, the cell, and h into the layer output.
    /// <paramref name="packedA"/> holds h_prev's rows from <paramref name="aRow0"/> on, packed over the whole k range
    /// (<paramref name="i0"/> - <paramref name="aRow0"/> a multiple of MR), except for a step of at most
    /// <see cref="GemmRowKernel.MaxRows"/> rows, which the row kernel reads unpacked; <paramref name="packedB"/> is W_hh^T
    /// with each gate on a panel boundary. Every element gets the same bits whatever the block.
    /// </summary>
    internal static void RunBlock(
        GemmKernel kernel, int gateCount, int h, float* packedB, in RecurrentStepBuffers step, PackedRows packedA, int aRow0,
        int i0, int iEnd, int u0, int u1)
    {
        int ldc = gateCount * h, rows = step.Rows, kcNominal = GemmPacking.KcFor(h);
        for (int ic = i0; ic < iEnd; ic += GemmPacking.Mc)
        {
            int mc = Math.Min(GemmPacking.Mc, iEnd - ic);
            if (step.HiddenBias != null)
            {
                // GRU: b_hh goes into this block of the hidden gates just before the product adds onto it.
                nint bytes = (nint)(u1 - u0) * sizeof(float);
                for (int r = ic; r < ic + mc; r++)
                {
                    for (int gate = 0; gate < gateCount; gate++)
                        Buffer.MemoryCopy(step.HiddenBias + gate * h + u0, step.HiddenGates + (nint)r * ldc + gate * h + u0, bytes, bytes);
                }
            }
            if (rows <= GemmRowKernel.MaxRows)
            {
                // One or two rows: the row kernel, straight from h_prev (the same chains as the macro-kernel's).
                GemmRowKernel.RunGates(
                    mc, gateCount, h, u0, u1, 1f, step.HPrev + (nint)ic * h, h, packedB, GemmMicroKernels.Columns(kernel), 1f,
                    step.HiddenGates + (nint)ic * ldc, ldc);
            }
            else
            {
                for (int p0 = 0; p0 < h; p0 += kcNominal)
                {
                    int kc = Math.Min(kcNominal, h - p0);
                    float* aPack = packedA.Panels(p0, ic - aRow0, kc);
                    float* block = packedB + (nint)p0 * ldc;
                    for (int gate = 0; gate < gateCount; gate++)
                    {
                        int j0 = gate * h + u0;
                        GemmMacroKernel.Run(kernel, mc, u1 - u0, kc, aPack, block + (nint)j0 * kc, step.HiddenGates + (nint)ic * ldc + j0, ldc, 1f, 1f);
                    }
                }
            }
            if (step.Kind == CellType.Lstm)
            {
                LstmCell.ForwardUnits(
                    new Span<float>(step.Hidden, rows * h), new Span<float>(step.Cell, rows * h), new Span<float>(step.Gates, rows * ldc),
                    new ReadOnlySpan<float>(step.CellPrev, rows * h), ic, ic + mc, u0, u1, h);
            }
            else if (step.Kind == CellType.Gru)
            {
                GruCell.ForwardUnits(
                    new Span<float>(step.Hidden, rows * h), new Span<float>(step.HiddenN, rows * h), new Span<float>(step.Gates, rows * ldc),
                    new ReadOnlySpan<float>(step.HiddenGates, rows * ldc), new ReadOnlySpan<float>(step.HPrev, rows * h), ic, ic + mc, u0, u1, h);
            }
            else
            {
                RnnCell.ForwardUnits(new Span<float>(step.Hidden, rows * h), new Span<float>(step.Gates, rows * h), ic, ic + mc, u0, u1, h, step.Kind == CellType.RnnRelu);
            }
            nint outBytes = (nint)(u1 - u0) * sizeof(float);
            for (int r = ic; r < ic + mc; r++)
                Buffer.MemoryCopy(step.Hidden + (nint)r * h + u0, step.Output + (nint)r * step.OutputStride + step.OutputOffset + u0, outBytes, outBytes);
        }
    }
}
