using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// One LSTM forward step fused into one parallel job: <c>gates += h_prev W_hh^T</c> and the cell's elementwise
/// update (<see cref="LstmCell"/>) for a block of rows and hidden units are one task, so the nonlinearities run on
/// every thread while the block's gates are still in cache, with one hand-off per step instead of a product on all
/// threads followed by the cell on one. A task owns hidden units [u0, u1) of all four gates, which is why it needs
/// W_hh^T packed with each gate starting on a panel boundary (H a multiple of the kernel's panel width).
/// </summary>
/// <remarks>
/// Bit-identical to <c>Gemm.Multiply(h_prev, packed W_hh^T, beta 1)</c> followed by <see cref="LstmCell.Forward"/>:
/// the same micro-kernel runs the same k blocks in the same order with the same epilogue, and the cell sees every
/// element through the same vector operations.
/// </remarks>
internal sealed unsafe class LstmStepJob : ParallelJob
{
    [ThreadStatic] private static LstmStepJob?[]? t_jobs;

    private delegate*<nint, float*, float*, float*, nint, float, float, void> _micro;
    private int _mr, _nr, _rows, _h, _kc, _padded;
    private float* _hPrev, _packed, _gates, _cellPrev, _cell, _hidden;
    private int _taskRows, _taskUnits, _tasksAcross;

    /// <summary>Whether <paramref name="rows"/> rows by the packed W_hh^T of hidden size <paramref name="h"/> can take the fused step.</summary>
    internal static bool Supports(Gemm.PackedMatrix packed, int rows, int h) =>
        rows > GemmRowKernel.MaxRows && packed.Kernel != GemmKernel.Scalar && h % GemmMicroKernels.Columns(packed.Kernel) == 0
        && packed.Rows == h && packed.Columns == 4 * h;

    /// <summary>
    /// Runs one step for the first <paramref name="rows"/> rows: <c>gates += hPrev W_hh^T</c>, then the LSTM cell.
    /// Shapes and meanings as in <see cref="LstmCell.Forward"/>; <paramref name="packed"/> is W_hh^T (<c>[H, 4H]</c>).
    /// </summary>
    internal static void Run(
        int threads, Gemm.PackedMatrix packed, int rows, int h,
        ReadOnlySpan<float> hPrev, Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> hidden)
    {
        var jobs = t_jobs ??= new LstmStepJob?[4];
        LstmStepJob? job = null;
        for (int i = 0; i < jobs.Length && job is null; i++)
        {
            var candidate = jobs[i] ??= new LstmStepJob();
            if (candidate.IsFree) job = candidate;
        }
        job ??= new LstmStepJob();
        fixed (float* ph = hPrev)
        fixed (float* pd = packed.Data)
        fixed (float* pg = gates)
        fixed (float* pcp = cellPrev)
        fixed (float* pc = cell)
        fixed (float* phid = hidden)
        {
            job.Start(threads, packed.Kernel, rows, h, ph, pd + packed.Offset, pg, pcp, pc, phid);
        }
    }

    private void Start(int threads, GemmKernel kernel, int rows, int h, float* hPrev, float* packed, float* gates, float* cellPrev, float* cell, float* hidden)
    {
        _micro = GemmMicroKernels.Function(kernel);
        _mr = GemmMicroKernels.Rows(kernel);
        _nr = GemmMicroKernels.Columns(kernel);
        (_rows, _h, _kc, _padded) = (rows, h, GemmPacking.KcFor(h), 4 * h);
        _hPrev = hPrev;
        _packed = packed;
        _gates = gates;
        _cellPrev = cellPrev;
        _cell = cell;
        _hidden = hidden;
        long macs = (long)rows * 4 * h * h;
        threads = (int)Math.Clamp(macs >> 20, 1, threads);
        Plan(threads);
        int tasks = ((rows + _taskRows - 1) / _taskRows) * _tasksAcross;
        Execute(tasks, threads);
    }

    /// <summary>
    /// Chooses the task block: whole row panels by whole unit panels, minimising the slowest thread's multiply-adds
    /// plus its copies of h_prev and a per-row charge for the elementwise calls.
    /// </summary>
    private void Plan(int threads)
    {
        int mPanels = (_rows + _mr - 1) / _mr, uPanels = _h / _nr;
        if (threads == 1)
        {
            SetGrid(mPanels, uPanels);
            return;
        }
        double best = double.MaxValue;
        int bestRows = mPanels, bestUnits = uPanels, maxSplit = threads * 4;
        for (int down = 1; down <= Math.Min(mPanels, maxSplit); down++)
        {
            int rowPanels = (mPanels + down - 1) / down;
            for (int across = 1; across <= Math.Min(uPanels, maxSplit); across++)
            {
                int unitPanels = (uPanels + across - 1) / across;
                int tasks = ((mPanels + rowPanels - 1) / rowPanels) * ((uPanels + unitPanels - 1) / unitPanels);
                if (tasks < threads) continue;
                double rows = Math.Min(rowPanels * _mr, _rows), units = unitPanels * _nr;
                double perTask = rows * 4 * units * _h + 8 * rows * _h + 400 * rows;
                double cost = Math.Ceiling(tasks / (double)threads) * perTask;
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
        int iEnd = Math.Min(_rows, i0 + _taskRows), u1 = Math.Min(_h, u0 + _taskUnits);
        int h = _h, ldc = 4 * h;
        float* aPack = GemmBuffers.A;
        for (int ic = i0; ic < iEnd; ic += GemmPacking.Mc)
        {
            int mc = Math.Min(GemmPacking.Mc, iEnd - ic);
            for (int p0 = 0; p0 < h; p0 += _kc)
            {
                int kc = Math.Min(_kc, h - p0);
                GemmPacking.PackA(false, _hPrev, h, ic, mc, p0, kc, _mr, aPack);
                float* block = _packed + (nint)p0 * _padded;
                for (int gate = 0; gate < 4; gate++)
                {
                    int j0 = gate * h + u0;
                    Macro(mc, u1 - u0, kc, aPack, block + (nint)j0 * kc, _gates + (nint)ic * ldc + j0, ldc);
                }
            }
            LstmCell.ForwardUnits(
                new Span<float>(_hidden, _rows * h), new Span<float>(_cell, _rows * h), new Span<float>(_gates, _rows * ldc),
                new ReadOnlySpan<float>(_cellPrev, _rows * h), ic, ic + mc, u0, u1, h);
        }
    }

    /// <summary>C += A B over one k block for <paramref name="mc"/> rows by <paramref name="nc"/> columns (a multiple of NR).</summary>
    private void Macro(int mc, int nc, int kc, float* aPack, float* bPack, float* c, int ldc)
    {
        int mr = _mr, nr = _nr;
        float* tile = stackalloc float[6 * 32];
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* bPanel = bPack + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* aPanel = aPack + (nint)ir * kc;
                float* cTile = c + (nint)ir * ldc + jr;
                if (rows == mr)
                {
                    _micro(kc, aPanel, bPanel, cTile, ldc, 1f, 1f);
                }
                else
                {
                    // Edge tile: as the GEMM does it, the full tile unscaled, then the kernel's epilogue per element.
                    _micro(kc, aPanel, bPanel, tile, nr, 1f, 0f);
                    for (int r = 0; r < rows; r++, cTile += ldc)
                    {
                        for (int j = 0; j < nr; j++) cTile[j] = GemmMicroKernels.StoreValue(tile[r * nr + j], cTile, j, 1f, 1f);
                    }
                }
            }
        }
    }
}
