namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// One GEMM call split into tasks, each a rectangle of C computed over the whole k range by one thread.
/// Tasks never share a reduction, so the split (and hence the thread count) cannot change any bit of the
/// result (see <see cref="ParallelJob"/> for how tasks are shared out).
/// </summary>
internal sealed unsafe class GemmJob : ParallelJob
{
    private GemmKernel _kernel;
    private int _mr, _nr;
    private bool _transposeA, _transposeB;
    private int _m, _n, _k, _kc;
    private float _alpha, _beta;
    private float* _a, _b, _c, _packed;
    private nint _lda, _ldb, _ldc;
    private int _packedColumns;
    private int _taskRows, _taskColumns, _tasksAcross, _taskCount;
    // op(A) packed once for all tasks when they all cover every row; its buffer only grows.
    private readonly PackedRows _sharedA = new();
    private bool _shareA;
    private float* _rowBias;

    /// <summary>
    /// Runs <c>C = alpha * op(A) * op(B) + beta * C</c> for k &gt; 0 on up to <c>threads</c> threads; arguments
    /// are as in <c>Gemm.Multiply</c>, with <c>packed</c> either null or op(B) already in the kernel's panel layout, and
    /// <c>rowBias</c> either null or n values each task first copies into every row of its block of C (then beta must be 1).
    /// </summary>
    internal void Run(
        GemmKernel kernel, int threads, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, nint lda, float* b, nint ldb, float* packed, float beta, float* c, nint ldc, float* rowBias = null)
    {
        _rowBias = rowBias;
        _kernel = kernel;
        _mr = GemmMicroKernels.Rows(kernel);
        _nr = GemmMicroKernels.Columns(kernel);
        (_transposeA, _transposeB, _m, _n, _k, _kc) = (transposeA, transposeB, m, n, k, GemmPacking.KcFor(k));
        (_alpha, _beta, _lda, _ldb, _ldc) = (alpha, beta, lda, ldb, ldc);
        _a = a;
        _b = b;
        _c = c;
        _packed = packed;
        _packedColumns = (n + _nr - 1) / _nr * _nr;

        // Work below about a million multiply-adds per thread is cheaper done than handed off.
        long macs = (long)m * n * k;
        threads = (int)Math.Clamp(macs >> 20, 1, threads);
        Plan(threads);
        // A short op(A) (a recurrent step's product) is packed once for all tasks instead of once per task.
        _shareA = SharesA && _taskCount > 1;
        if (_shareA) _sharedA.Pack(_transposeA, _a, _lda, _m, _k, _mr);
        Execute(_taskCount, threads);
    }

    /// <summary>Whether op(A) is small enough (at most one packed row block, at most a million floats) to pack once for all tasks.</summary>
    private bool SharesA => _m <= GemmPacking.Mc && (long)_m * _k <= 1 << 20;

    /// <summary>
    /// Chooses the task rectangle: with one thread, column strips of at most <see cref="GemmPacking.Nc"/>;
    /// with more, the grid that minimises the slowest thread's multiply-adds plus its packing copies.
    /// </summary>
    private void Plan(int threads)
    {
        int mPanels = (_m + _mr - 1) / _mr, nPanels = (_n + _nr - 1) / _nr, ncPanels = GemmPacking.Nc / _nr;
        int minAcross = (nPanels + ncPanels - 1) / ncPanels;
        if (threads == 1)
        {
            SetGrid(mPanels, (nPanels + minAcross - 1) / minAcross);
            return;
        }
        double best = double.MaxValue;
        int bestRows = mPanels, bestCols = ncPanels;
        int maxSplit = threads * 4;
        // A short op(A) is split by columns only while there are columns enough: a task then runs every row panel
        // against each B panel while it is in L1, where tasks of one row panel each stream their B panels from L2 for
        // one micro-kernel call each (32 x 256 by 256 x 1024 on 2 threads: 1.18x faster split by columns only; 64 x 2048
        // by 2048 x 512, the backward step: 1.2x).
        int maxDown = SharesA && nPanels >= threads ? 1 : Math.Min(mPanels, maxSplit);
        for (int down = 1; down <= maxDown; down++)
        {
            int rowPanels = (mPanels + down - 1) / down;
            for (int across = minAcross; across <= Math.Min(nPanels, maxSplit); across++)
            {
                int colPanels = (nPanels + across - 1) / across;
                int tasks = ((mPanels + rowPanels - 1) / rowPanels) * ((nPanels + colPanels - 1) / colPanels);
                if (tasks < threads) continue;
                double rows = Math.Min(rowPanels * _mr, _m), cols = Math.Min(colPanels * _nr, _n);
                // A packed element costs roughly as much time as 8 multiply-adds of the micro-kernel; a short A is packed
                // once before the tasks (PackedRows), and a packed B is never packed again.
                double packed = (SharesA ? 0 : rows) + (_packed == null ? cols : 0);
                double perTask = rows * cols + 8 * packed;
                // For the short per-step products (A shared), one task more for the thread that finishes last: on a
                // shared machine a thread is often late, and the smaller the tasks, the less the other waits for it.
                // Large products keep the plain count: their tasks are long, and more of them would repack more.
                double rounds = Math.Ceiling(tasks / (double)threads) + (SharesA ? 1 : 0);
                double cost = rounds * perTask;
                if (cost < best)
                {
                    (best, bestRows, bestCols) = (cost, rowPanels, colPanels);
                }
            }
        }
        SetGrid(bestRows, bestCols);
    }

    private void SetGrid(int rowPanels, int colPanels)
    {
        _taskRows = rowPanels * _mr;
        _taskColumns = colPanels * _nr;
        _tasksAcross = (_n + _taskColumns - 1) / _taskColumns;
        _taskCount = ((_m + _taskRows - 1) / _taskRows) * _tasksAcross;
    }

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int i0 = task / _tasksAcross * _taskRows, j0 = task % _tasksAcross * _taskColumns;
        int iEnd = Math.Min(_m, i0 + _taskRows), nc = Math.Min(_n, j0 + _taskColumns) - j0;
        float* aPack = GemmBuffers.A;
        float* bPack = _packed == null ? GemmBuffers.B : null;
        for (int p0 = 0; p0 < _k; p0 += _kc)
        {
            int kc = Math.Min(_kc, _k - p0);
            float* bPanel;
            if (_packed != null)
            {
                bPanel = _packed + (nint)p0 * _packedColumns + (nint)j0 * kc;
            }
            else
            {
                GemmPacking.PackB(_transposeB, _b, _ldb, p0, kc, j0, nc, _nr, bPack);
                bPanel = bPack;
            }
            // Later k blocks add onto what the first one wrote.
            float beta = p0 == 0 ? _beta : 1f;
            for (int ic = i0; ic < iEnd; ic += GemmPacking.Mc)
            {
                int mc = Math.Min(GemmPacking.Mc, iEnd - ic);
                if (p0 == 0 && _rowBias != null)
                {
                    // The bias goes in just before the first k block adds onto it (beta is 1).
                    for (int i = ic; i < ic + mc; i++) Buffer.MemoryCopy(_rowBias + j0, _c + i * _ldc + j0, nc * sizeof(float), nc * sizeof(float));
                }
                float* aPanels = aPack;
                if (_shareA) aPanels = _sharedA.Panels(p0, ic, kc);
                else GemmPacking.PackA(_transposeA, _a, _lda, ic, mc, p0, kc, _mr, aPack);
                GemmMacroKernel.Run(_kernel, mc, nc, kc, aPanels, bPanel, _c + ic * _ldc + j0, _ldc, _alpha, beta);
            }
        }
    }
}
