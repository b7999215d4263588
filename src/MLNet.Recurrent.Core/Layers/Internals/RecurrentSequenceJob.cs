using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// A run of LSTM, GRU or Elman RNN forward steps split by batch rows instead of step by step: each task owns a block of rows and
/// runs every step of the run for them (<see cref="RecurrentStepJob.RunBlock"/> over all hidden units), so the threads
/// meet once per run instead of once per step. A row's step depends only on that row's h_prev, so the blocks never
/// wait on each other; each multiplies by the whole W_hh every step (from the shared cache when it outgrows its own:
/// splitting the steps by hidden units instead, each thread its part of W_hh, still ran 1.11x to 1.19x slower forward for
/// LSTMs of H 320 to 1,024 and a GRU of H 512 at batch 64, whose W_hh outgrows a 1 MiB L2 cache, and 1.07x forward and
/// backward at H 512; `split` in the benchmarks compares the two, benchmarks/compare/split-rows-wide.md).
/// </summary>
/// <remarks>
/// Bit-identical to taking the steps one at a time: every element of the product gets the same chain whatever rows its
/// block holds (<see cref="GemmMacroKernel"/>, and <see cref="GemmRowKernel"/> for the steps with one or two rows
/// running), and the cell runs on whole rows. Rows not running at a step carry their state and get a zero output, as in
/// the step-by-step loop. Slots follow the layer's state layout (<see cref="Slots"/>).
/// </remarks>
internal sealed unsafe class RecurrentSequenceJob : ParallelJob
{
    /// <summary>Fewest rows a block gets: below this the micro-kernel's row panels run too empty to beat the step split.</summary>
    internal const int MinBlockRows = 12;

    [ThreadStatic] private static bool t_disabled;

    /// <summary>Whether layers run on the calling thread take their steps one at a time (for the benchmark that compares the two).</summary>
    internal static bool DisabledOnThisThread
    {
        get => t_disabled;
        set => t_disabled = value;
    }

    /// <summary>
    /// Most steps one run takes: the threads meet after each, so a thread that was descheduled holds the other up for
    /// at most this many steps, and a run's tasks not yet begun go to whichever thread is free.
    /// </summary>
    internal const int MaxSteps = 16;

    private GemmKernel _kernel;
    private int _gateCount, _h, _batch, _steps, _first, _end, _blockRows, _width, _offset;
    private CellType _cell;
    private bool _reverse;
    private float* _packed, _states, _cells, _gates, _hiddenGates, _hiddenN, _hiddenBias, _output;
    private int* _running;
    private PackedRows[] _packedA = [];

    /// <summary>
    /// How many threads <paramref name="steps"/> steps of <paramref name="batch"/> rows of a <paramref name="gateCount"/>-gate
    /// layer of <paramref name="h"/> units can use (1: take the steps one at a time): blocks of at least
    /// <see cref="MinBlockRows"/> rows and at least about a million multiply-adds each over all the steps (as a GEMM task).
    /// </summary>
    internal static int Threads(int threads, int batch, int steps, int gateCount, int h)
    {
        if (t_disabled) return 1;
        long macs = (long)steps * batch * gateCount * h * h;
        return (int)Math.Clamp(Math.Min(batch / MinBlockRows, macs >> 20), 1, threads);
    }

    /// <summary>
    /// Runs steps s in [<paramref name="first"/>, <paramref name="end"/>) of one direction (time t = s, or T - 1 - s
    /// when <paramref name="reverse"/>) on <paramref name="threads"/> threads. <paramref name="states"/>:
    /// <c>[T+1, B, H]</c> by slot; <paramref name="cells"/> likewise (LSTM, else empty); <paramref name="gates"/>:
    /// <c>[T, B, G*H]</c> input pre-activations by time; GRU: <paramref name="hiddenGates"/> <c>[B, 3H]</c>,
    /// <paramref name="hiddenN"/> <c>[T, B, H]</c>, <paramref name="hiddenBias"/> b_hh; <paramref name="output"/>:
    /// <c>[T, B, width]</c>, h at <paramref name="offset"/>; <paramref name="running"/>[t]: rows running at t (the first ones).
    /// </summary>
    internal static void Run(
        int threads, Gemm.PackedMatrix packed, CellType cell, int h, int batch, int steps, bool reverse, int first, int end,
        ReadOnlySpan<int> running, Span<float> states, Span<float> cells, Span<float> gates,
        Span<float> hiddenGates, Span<float> hiddenN, ReadOnlySpan<float> hiddenBias, Span<float> output, int width, int offset)
    {
        int gateCount = RecurrentLayerOptions.GateCountOf(cell), gh = gateCount * h;
        if (states.Length < (long)(steps + 1) * batch * h || gates.Length < (long)steps * batch * gh || running.Length < steps
            || (cell == CellType.Lstm && cells.Length < (long)(steps + 1) * batch * h)
            || (cell == CellType.Gru && (hiddenGates.Length < batch * gh || hiddenN.Length < (long)steps * batch * h || hiddenBias.Length != gh)))
        {
            throw new ArgumentException($"The buffers do not hold {steps} steps of {batch} rows of a {cell} layer of {h} units.");
        }
        RecurrentStepJob.CheckOutput(output, steps * batch, h, width, offset);
        var job = JobPool<RecurrentSequenceJob>.Rent();
        fixed (float* pd = packed.Data)
        fixed (float* ps = states)
        fixed (float* pc = cells)
        fixed (float* pg = gates)
        fixed (float* phg = hiddenGates)
        fixed (float* pn = hiddenN)
        fixed (float* pb = hiddenBias)
        fixed (float* po = output)
        fixed (int* pr = running)
        {
            job._kernel = packed.Kernel;
            (job._gateCount, job._h, job._batch, job._steps, job._first, job._end) = (gateCount, h, batch, steps, first, end);
            (job._cell, job._reverse, job._width, job._offset) = (cell, reverse, width, offset);
            job._packed = pd + packed.Offset;
            job._states = ps;
            job._cells = pc;
            job._gates = pg;
            job._output = po;
            job._running = pr;
            job._hiddenGates = phg;
            job._hiddenN = pn;
            job._hiddenBias = pb;
            job.Start(threads);
        }
    }

    private void Start(int threads) => Execute(PlanBlocks(_batch, threads, ref _packedA, out _blockRows), threads);

    /// <summary>
    /// Splits <paramref name="batch"/> rows into one block per thread (<paramref name="blockRows"/> rows each, the last
    /// block the rest), grows a job's per-block packing buffers to match (they stay with the job, so a steady state
    /// allocates nothing) and returns the number of blocks.
    /// </summary>
    internal static int PlanBlocks(int batch, int threads, ref PackedRows[] packed, out int blockRows)
    {
        int blocks = Math.Max(1, threads);
        blockRows = (batch + blocks - 1) / blocks;
        blocks = (batch + blockRows - 1) / blockRows;
        if (packed.Length < blocks)
        {
            var grown = new PackedRows[blocks];
            packed.CopyTo(grown, 0);
            for (int b = packed.Length; b < blocks; b++) grown[b] = new PackedRows();
            packed = grown;
        }
        return blocks;
    }

    /// <summary>
    /// The time of the s-th step a direction takes and the state slots it reads and writes, as the layer lays them out:
    /// forward t = s, reading slot t and writing t + 1; reverse t = T - 1 - s, reading t + 1 and writing t.
    /// </summary>
    internal static (int Time, int Previous, int Current) Slots(bool reverse, int steps, int s)
    {
        int t = reverse ? steps - 1 - s : s;
        return reverse ? (t, t + 1, t) : (t, t, t + 1);
    }

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int h = _h, gh = _gateCount * h, batch = _batch, mr = GemmMicroKernels.Rows(_kernel);
        int r0 = task * _blockRows, r1 = Math.Min(batch, r0 + _blockRows);
        PackedRows packedA = _packedA[task];
        nint slot = (nint)batch * h;
        for (int s = _first; s < _end; s++)
        {
            var (t, previous, current) = Slots(_reverse, _steps, s);
            int n = _running[t];
            float* hPrev = _states + previous * slot, hCur = _states + current * slot;
            float* output = _output + (nint)t * batch * _width;
            int iEnd = Math.Min(r1, n);
            if (iEnd > r0)
            {
                var step = new RecurrentStepBuffers
                {
                    Kind = _cell, Rows = batch, HPrev = hPrev, Gates = _gates + (nint)t * batch * gh, Hidden = hCur,
                    Output = output, OutputStride = _width, OutputOffset = _offset,
                };
                if (_cell == CellType.Lstm)
                {
                    step.HiddenGates = step.Gates;
                    step.CellPrev = _cells + previous * slot;
                    step.Cell = _cells + current * slot;
                }
                else if (_cell == CellType.Gru)
                {
                    step.HiddenGates = _hiddenGates;
                    step.HiddenBias = _hiddenBias;
                    step.HiddenN = _hiddenN + (nint)t * batch * h;
                }
                else
                {
                    step.HiddenGates = step.Gates;
                }
                packedA.Pack(false, hPrev + (nint)r0 * h, h, iEnd - r0, h, mr);
                RecurrentStepJob.RunBlock(_kernel, _gateCount, h, _packed, in step, packedA, r0, r0, iEnd, 0, h);
            }
            // Rows not running at t carry their state and get a zero output.
            int c0 = Math.Max(r0, n);
            if (c0 < r1)
            {
                nint bytes = (nint)(r1 - c0) * h * sizeof(float);
                Buffer.MemoryCopy(hPrev + (nint)c0 * h, hCur + (nint)c0 * h, bytes, bytes);
                if (_cell == CellType.Lstm) Buffer.MemoryCopy(_cells + previous * slot + (nint)c0 * h, _cells + current * slot + (nint)c0 * h, bytes, bytes);
                for (int r = c0; r < r1; r++) new Span<float>(output + (nint)r * _width + _offset, h).Clear();
            }
        }
    }
}
