using System.Runtime.ExceptionServices;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// Runs a reservoir over one series and feeds the readout's normal equations with each step split over threads: W is
/// cut into row ranges of about equal nonzeros (<see cref="EchoStateReservoir.Parts"/>), each thread steps its rows
/// (sparse product, input, tanh, leak) from the shared previous state into a second buffer and writes them straight
/// into the accumulator's block, and the threads meet at a <see cref="SpinBarrier"/> once per step. When a block of
/// rows is full, all threads fold it into the normal equations together, then step on.
/// </summary>
/// <remarks>
/// Each row is computed by one thread with the arithmetic of <see cref="EchoStateReservoir.Update"/>, and the blocks
/// are folded as <see cref="RidgeAccumulator.Add"/> folds them, so the readout is the same bits for any thread count.
/// Half of W (1,000 units: about 0.3 MB) stays in each core's L2 cache, which the whole W (0.6 MB) does not.
/// </remarks>
internal sealed unsafe class SplitStepCollector
{
    /// <summary>
    /// The smallest reservoir split over threads. Below it one thread steps the reservoir while the others fold blocks
    /// (the pipelined path). On a quiet 2-vCPU machine the two paths are level at 300 and 500 units and the split wins
    /// at 1,000 (3.9 s against 5.0 s); on a loaded one the split lost at 200 to 500 units (a step of a few microseconds
    /// a thread, and a partner often descheduled at the barrier). <c>esn-quick 300,500,1000 2</c> in the benchmarks
    /// compares both paths.
    /// </summary>
    public const int MinimumUnits = 750;

    /// <summary>Turns the split off, for the benchmarks' side-by-side run of both paths in one process.</summary>
    public static bool Disabled;

    private readonly EchoStateReservoir _reservoir;
    private readonly SparseMatrix[] _parts;
    private readonly RidgeAccumulator _accumulator;
    private readonly SpinBarrier _barrier;
    private readonly double[] _block, _first, _second, _scratch, _noFeedback;
    private readonly double* _inputs, _targets;
    private readonly int _steps, _washout, _inputSize, _outputSize, _inputFeatures, _startFilled;
    private readonly CancellationToken _cancellationToken;
    private volatile int _stopAt = int.MaxValue; // the step after whose barrier every thread stops (cancellation)
    private Exception? _failure;

    private SplitStepCollector(EchoStateReservoir reservoir, SparseMatrix[] parts, EchoStateNetworkOptions options,
        RidgeAccumulator accumulator, double* inputs, double* targets, int steps, CancellationToken cancellationToken)
    {
        int n = reservoir.Size;
        _reservoir = reservoir;
        _parts = parts;
        _accumulator = accumulator;
        _barrier = new SpinBarrier(parts.Length);
        _startFilled = accumulator.Filled;
        _block = accumulator.BeginShared();
        _first = new double[n];
        _second = new double[n];
        _scratch = new double[n];
        _noFeedback = new double[options.OutputSize];
        _inputs = inputs;
        _targets = targets;
        _steps = steps;
        _washout = options.Washout;
        _inputSize = options.InputSize;
        _outputSize = options.OutputSize;
        _inputFeatures = options.ReadoutIncludesInput ? options.InputSize : 0;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Collects the rows of one series (as the plain loop of <see cref="EchoStateNetwork"/> does) on
    /// <paramref name="threads"/> threads, the caller being one; false (nothing done) when the reservoir is too small
    /// to split that many ways (or below <paramref name="minimumUnits"/>).
    /// </summary>
    public static bool TryRun(EchoStateReservoir reservoir, EchoStateNetworkOptions options, RidgeAccumulator accumulator,
        ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int steps, int threads, CancellationToken cancellationToken,
        int minimumUnits = MinimumUnits)
    {
        if (Disabled || threads < 2 || reservoir.Size < minimumUnits) return false;
        SparseMatrix[] parts = reservoir.Parts(threads);
        // Each part's tanh must take the vectorized path for all its lanes, as the whole step's does.
        foreach (SparseMatrix part in parts)
            if (part.RowEnd - part.RowStart < SparseMatrix.SliceRows) return false;
        fixed (double* pInputs = inputs, pTargets = targets)
        {
            var run = new SplitStepCollector(reservoir, parts, options, accumulator, pInputs, pTargets, steps, cancellationToken);
            var helpers = new Thread[parts.Length - 1];
            for (int i = 0; i < helpers.Length; i++)
            {
                int part = i + 1;
                helpers[i] = new Thread(() => run.Work(part)) { IsBackground = true, Name = "Reservoir step helper" };
                helpers[i].Start();
            }
            try
            {
                run.Work(0);
            }
            finally
            {
                // The inputs stay pinned, and the state alive, until every helper is gone.
                foreach (Thread helper in helpers) helper.Join();
            }
            if (run._failure is not null) ExceptionDispatchInfo.Capture(run._failure).Throw();
        }
        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    private void Work(int part)
    {
        try
        {
            Steps(part);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            _barrier.Abort();
        }
    }

    private void Steps(int part)
    {
        SparseMatrix w = _parts[part];
        int d = _inputSize, k = _outputSize, du = _inputFeatures, start = w.RowStart, end = w.RowEnd;
        int filled = _startFilled, targetColumn = _accumulator.TargetColumn;
        double[] x = _first, next = _second, block = _block;
        for (int t = 0; t < _steps; t++)
        {
            var input = new ReadOnlySpan<double>(_inputs + (long)t * d, d);
            ReadOnlySpan<double> feedback = t == 0 ? _noFeedback : new ReadOnlySpan<double>(_targets + (long)(t - 1) * k, k);
            _reservoir.UpdateRows(w, x, next, input, feedback, _scratch);
            bool collected = t >= _washout;
            if (collected)
            {
                for (int i = start; i < end; i++) RidgeAccumulator.Put(block, filled, 1 + du + i, next[i]);
                if (part == 0)
                {
                    RidgeAccumulator.Put(block, filled, 0, 1);
                    for (int j = 0; j < du; j++) RidgeAccumulator.Put(block, filled, 1 + j, input[j]);
                    for (int j = 0; j < k; j++) RidgeAccumulator.Put(block, filled, targetColumn + j, _targets[(long)t * k + j]);
                }
            }
            if (part == 0 && (t & 1023) == 0 && _cancellationToken.IsCancellationRequested) _stopAt = t;
            if (!_barrier.SignalAndWait() || t >= _stopAt) return;
            (x, next) = (next, x);
            if (!collected) continue;
            if (part == 0) _accumulator.CommitSharedRow();
            if (++filled < RidgeAccumulator.BlockRows) continue;
            _accumulator.HelpSharedFold();
            if (!_barrier.SignalAndWait()) return;
            if (part == 0) _accumulator.EndSharedFold();
            filled = 0;
        }
    }
}
