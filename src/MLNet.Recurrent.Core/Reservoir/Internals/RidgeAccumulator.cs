using Matrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using System.Runtime.CompilerServices;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// Ridge regression by the normal equations, accumulated block by block so the design matrix is never stored
/// (10^5 steps of 1,000 units would be 800 MB): with z = [1; x] (F features) and target y (K),
/// <c>G = sum z z^T</c> and <c>C = sum z y^T</c>, in double. <see cref="Solve"/> returns
/// <c>W_out = ((G + lambda P)^-1 C)^T</c>, <c>[K, F]</c>, where P is the identity with P[0, 0] = 0 (the bias is
/// not penalized).
/// </summary>
/// <remarks>
/// <para>Rows are buffered in blocks of <see cref="BlockRows"/> as the packed panels <see cref="GramKernel"/> reads, and
/// each full block is folded in as one product <c>[Z Y]^T [Z Y]</c> (upper triangle, in double). While one block is
/// folded in by the other cores, the caller fills the next (two buffers), then helps finish the fold.</para>
/// <para>Every element of G and C is the sum over blocks, in order, of that block's sum over its rows, in order, computed
/// by one thread with one kernel: the result is the same bits for any thread count.</para>
/// </remarks>
internal sealed class RidgeAccumulator
{
    /// <summary>Rows per block.</summary>
    public const int BlockRows = 256;

    private const int P = GramKernel.PanelWidth;

    /// <summary>Row panels folded together (<see cref="FoldGroup"/>): 4 panels of a block are 64 KB, kept in L2.</summary>
    private const int GroupPanels = 4;

    private readonly int _features, _outputs;
    private readonly int _zPanels, _panels, _width, _groups;
    private readonly double[] _product;    // [width, width]: rows of Z's panels, upper triangle, columns Z then Y
    private readonly double[][] _blocks;   // two buffers of [panels][BlockRows][P]
    private readonly int _threads;
    private int _current, _filled;

    // The block being folded in by the workers.
    private double[] _jobBlock = [];
    private int _jobRows, _nextPanel;
    private Task[] _pending = [];

    /// <summary>An accumulator for F features and K targets; the threads are <see cref="ComputeSettings.MaxThreads"/> now.</summary>
    public RidgeAccumulator(int features, int outputs)
    {
        _features = features;
        _outputs = outputs;
        _zPanels = (features + P - 1) / P;
        _panels = _zPanels + (outputs + P - 1) / P;
        _groups = (_zPanels + GroupPanels - 1) / GroupPanels;
        _width = _panels * P;
        _product = new double[(long)_zPanels * P * _width];
        long work = (long)features * features * BlockRows;
        _threads = work < 4_000_000 ? 1 : ComputeSettings.MaxThreads;
        _blocks = [new double[_panels * BlockRows * P], _threads > 1 ? new double[_panels * BlockRows * P] : []];
    }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row: features z (length F) and targets y (length K).</summary>
    public void Add(ReadOnlySpan<double> z, ReadOnlySpan<double> y)
    {
        Span<double> block = _blocks[_current];
        int t = _filled * P, stride = BlockRows * P, whole = _features / P;
        // One panel row (8 contiguous values) at a time; the padding columns stay zero from allocation.
        for (int p = 0; p < whole; p++) z.Slice(p * P, P).CopyTo(block.Slice(p * stride + t, P));
        z.Slice(whole * P, _features - whole * P).CopyTo(block.Slice(whole * stride + t, _features - whole * P));
        for (int k = 0, c = _zPanels * P; k < _outputs; k++, c++) block[(c / P) * stride + t + c % P] = y[k];
        Rows++;
        if (++_filled == BlockRows) Flush();
    }

    /// <summary>Rows in the block being filled.</summary>
    internal int Filled => _filled;

    /// <summary>
    /// Shared filling, for a reservoir run whose threads step in lockstep: finishes any pending fold and returns the
    /// block the threads write rows into directly (<see cref="Put"/>); the caller then commits rows one at a time
    /// (<see cref="CommitSharedRow"/>) and, when a block is full, every thread calls <see cref="HelpSharedFold"/> and, after
    /// all have returned, one calls <see cref="EndSharedFold"/>. The sums are the ones <see cref="Add"/> gives.
    /// </summary>
    internal double[] BeginShared()
    {
        Complete();
        _jobBlock = _blocks[_current];
        _jobRows = BlockRows;
        _nextPanel = 0;
        return _jobBlock;
    }

    /// <summary>Writes value (feature or, past F, target) <paramref name="column"/> of block row <paramref name="row"/> into a block from <see cref="BeginShared"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Put(double[] block, int row, int column, double value) =>
        block[(column / P) * (BlockRows * P) + row * P + column % P] = value;

    /// <summary>The first column of the targets in a block row.</summary>
    internal int TargetColumn => _zPanels * P;

    /// <summary>Counts the row just written; returns whether the block is now full (then fold it).</summary>
    internal bool CommitSharedRow()
    {
        Rows++;
        return ++_filled == BlockRows;
    }

    /// <summary>Claims row panels of the full shared block until none is left (any number of threads at once).</summary>
    internal void HelpSharedFold() => Work();

    /// <summary>Starts the next shared block; only after every thread has returned from <see cref="HelpSharedFold"/>.</summary>
    internal void EndSharedFold()
    {
        _filled = 0;
        _nextPanel = 0;
    }

    /// <summary>Waits for (and helps) the block being folded in; call before abandoning the accumulator.</summary>
    public void Complete()
    {
        if (_pending.Length == 0) return;
        Work();
        Task.WaitAll(_pending);
        _pending = [];
    }

    /// <summary>Solves for the readout <c>[K, F]</c> with penalty <paramref name="ridge"/> on every weight but the first (bias).</summary>
    public double[] Solve(double ridge)
    {
        Complete();
        if (_filled > 0)
        {
            Fold(_blocks[_current], _filled);
            _filled = 0;
        }
        int f = _features, kk = _outputs, width = _width, yColumn = _zPanels * P;
        Matrix a = Matrix.Build.Dense(f, f, (i, j) => i <= j ? _product[i * width + j] : _product[j * width + i]);
        for (int i = 1; i < f; i++) a[i, i] += ridge;
        Matrix c = Matrix.Build.Dense(f, kk, (i, j) => _product[i * width + yColumn + j]);
        Matrix w;
        try
        {
            w = a.Cholesky().Solve(c);
        }
        catch (ArgumentException)
        {
            // Singular without a penalty (ridge 0 and dependent states): the least-norm solution instead.
            w = a.Svd(computeVectors: true).Solve(c);
        }
        var result = new double[kk * f];
        for (int k = 0; k < kk; k++)
            for (int i = 0; i < f; i++) result[k * f + i] = w[i, k];
        foreach (double v in result)
            if (!double.IsFinite(v)) ThrowHelper.InvalidOperation($"The ridge readout came out non-finite from {Rows} rows; raise 'Ridge' (it was {ridge:R}) or check the inputs' scale.");
        return result;
    }

    private void Flush()
    {
        if (_threads == 1)
        {
            Fold(_blocks[0], BlockRows);
        }
        else
        {
            // The previous block must be in before this one starts: each element sums its blocks in order.
            Complete();
            _jobBlock = _blocks[_current];
            _jobRows = BlockRows;
            _nextPanel = 0;
            _pending = new Task[_threads - 1];
            for (int i = 0; i < _pending.Length; i++) _pending[i] = Task.Run(Work);
            _current ^= 1;
        }
        _filled = 0;
    }

    private void Fold(double[] block, int rows)
    {
        for (int g = 0; g < _groups; g++) FoldGroup(block, rows, g);
    }

    /// <summary>Claims the job's groups of row panels one at a time (largest first) until none is left.</summary>
    private void Work()
    {
        int p;
        while ((p = Interlocked.Increment(ref _nextPanel) - 1) < _groups) FoldGroup(_jobBlock, _jobRows, p);
    }

    /// <summary>
    /// Rows of <see cref="GroupPanels"/> row panels of the product (group g), each from its diagonal on: every column
    /// panel q is read once for the group (it stays in L1 for the group's tiles), not once per row panel, which cuts the
    /// block's traffic from L3 by the group size. Each tile's arithmetic is that of <see cref="GramKernel"/> whatever the order.
    /// </summary>
    private void FoldGroup(double[] block, int rows, int g)
    {
        int stride = BlockRows * P, first = g * GroupPanels, last = Math.Min(_zPanels, first + GroupPanels);
        for (int q = first; q < _panels; q++)
        {
            ReadOnlySpan<double> b = block.AsSpan(q * stride, stride);
            for (int p = first; p < last && p <= q; p++)
            {
                ReadOnlySpan<double> a = block.AsSpan(p * stride, stride);
                GramKernel.MultiplyAdd4x8(a, 0, b, rows, _product.AsSpan(p * P * _width + q * P), _width);
                GramKernel.MultiplyAdd4x8(a, 4, b, rows, _product.AsSpan((p * P + 4) * _width + q * P), _width);
            }
        }
    }
}
