using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// A run of LSTM, GRU or Elman RNN backward steps split by batch rows, the backward twin of <see cref="RecurrentSequenceJob"/>:
/// each task owns a block of rows and runs every step of the run for them, backwards in time: <c>dh += dy</c> and the
/// cell (<see cref="CellBackwardJob.RunRows"/>), then <c>dh_prev = dGates_hh W_hh</c> (plus the GRU's direct part)
/// for its rows. A row's step needs only that row's gradients, so the threads meet once per run instead of twice per step.
/// </summary>
/// <remarks>
/// Bit-identical to the step-by-step loop (<see cref="CellBackwardJob"/>, or for the RNN <see cref="RnnCell.Backward"/>,
/// then the packed product): the cell runs on whole rows, and the product runs the same k blocks in the same order through the same macro-kernel, with beta 0
/// (GRU: 1) on the first k block and 1 after it, as <see cref="GemmJob"/> does (and <see cref="GemmRowKernel"/>, in the
/// same chains, for one or two rows). Rows not running at a step carry dh (and dc) and get zero gate gradients.
/// </remarks>
internal sealed unsafe class RecurrentSequenceBackwardJob : ParallelJob
{
    private GemmKernel _kernel;
    private CellType _cell;
    private bool _reverse;
    private int _gateCount;
    private int _h, _batch, _steps, _first, _end, _blockRows, _width, _offset, _packedColumns;
    private float* _packed, _dh, _dc, _dy, _gatesGrad, _hiddenGatesGrad, _gates, _states, _cells, _hiddenN;
    private int* _running;
    private PackedRows[] _packedA = [];

    /// <summary>
    /// Runs steps s from <paramref name="first"/> down to <paramref name="end"/> (exclusive) of one direction (time
    /// t = s, or T - 1 - s when <paramref name="reverse"/>) on <paramref name="threads"/> threads. <paramref name="packed"/>:
    /// W_hh (<c>[G*H, H]</c>) packed; <paramref name="dh"/>, <paramref name="dc"/> (LSTM): <c>[B, H]</c>, the running
    /// gradients; <paramref name="outputGrad"/>: <c>[T, B, width]</c>, h at <paramref name="offset"/>;
    /// <paramref name="gatesGrad"/>, <paramref name="hiddenGatesGrad"/> (GRU; the LSTM passes <paramref name="gatesGrad"/>):
    /// <c>[T, B, G*H]</c>, written; <paramref name="gates"/>: <c>[T, B, G*H]</c>; <paramref name="states"/>,
    /// <paramref name="cells"/> (LSTM): <c>[T+1, B, H]</c> by slot; <paramref name="hiddenN"/> (GRU): <c>[T, B, H]</c>.
    /// </summary>
    internal static void Run(
        int threads, Gemm.PackedMatrix packed, CellType cell, int h, int batch, int steps, bool reverse, int first, int end,
        ReadOnlySpan<int> running, Span<float> dh, Span<float> dc, ReadOnlySpan<float> outputGrad, int width, int offset,
        Span<float> gatesGrad, Span<float> hiddenGatesGrad, ReadOnlySpan<float> gates, ReadOnlySpan<float> states,
        ReadOnlySpan<float> cells, ReadOnlySpan<float> hiddenN)
    {
        bool gru = cell == CellType.Gru, lstm = cell == CellType.Lstm;
        int gateCount = RecurrentLayerOptions.GateCountOf(cell), gh = gateCount * h;
        if (packed.Rows != gh || packed.Columns != h || dh.Length < batch * h || gatesGrad.Length < (long)steps * batch * gh
            || hiddenGatesGrad.Length < (long)steps * batch * gh || gates.Length < (long)steps * batch * gh
            || states.Length < (long)(steps + 1) * batch * h || running.Length < steps || outputGrad.Length < (long)steps * batch * width
            || (lstm && (dc.Length < batch * h || cells.Length < (long)(steps + 1) * batch * h))
            || (gru && hiddenN.Length < (long)steps * batch * h))
        {
            throw new ArgumentException($"The buffers do not hold {steps} backward steps of {batch} rows of a {cell} layer of {h} units.");
        }
        var job = JobPool<RecurrentSequenceBackwardJob>.Rent();
        fixed (float* pd = packed.Data)
        fixed (float* pdh = dh)
        fixed (float* pdc = dc)
        fixed (float* pdy = outputGrad)
        fixed (float* pdg = gatesGrad)
        fixed (float* pdhg = hiddenGatesGrad)
        fixed (float* pg = gates)
        fixed (float* ps = states)
        fixed (float* pc = cells)
        fixed (float* pn = hiddenN)
        fixed (int* pr = running)
        {
            job._kernel = packed.Kernel;
            int nr = GemmMicroKernels.Columns(packed.Kernel);
            job._packedColumns = (h + nr - 1) / nr * nr;
            (job._cell, job._gateCount) = (cell, gateCount);
            (job._reverse, job._h, job._batch, job._steps, job._first, job._end) = (reverse, h, batch, steps, first, end);
            (job._width, job._offset) = (width, offset);
            job._packed = pd + packed.Offset;
            job._dh = pdh;
            job._dc = pdc;
            job._dy = pdy;
            job._gatesGrad = pdg;
            job._hiddenGatesGrad = pdhg;
            job._gates = pg;
            job._states = ps;
            job._cells = pc;
            job._hiddenN = pn;
            job._running = pr;
            job.Start(threads);
        }
    }

    private void Start(int threads) => Execute(RecurrentSequenceJob.PlanBlocks(_batch, threads, ref _packedA, out _blockRows), threads);

    /// <inheritdoc/>
    protected override void RunTask(int task)
    {
        int h = _h, gh = _gateCount * h, batch = _batch, mr = GemmMicroKernels.Rows(_kernel), kcNominal = GemmPacking.KcFor(gh);
        int r0 = task * _blockRows, r1 = Math.Min(batch, r0 + _blockRows);
        PackedRows packedA = _packedA[task];
        nint slot = (nint)batch * h, gatesStep = (nint)batch * gh;
        bool gru = _cell == CellType.Gru;
        float* dhgBase = gru ? _hiddenGatesGrad : _gatesGrad;
        for (int s = _first; s > _end; s--)
        {
            var (t, previous, current) = RecurrentSequenceJob.Slots(_reverse, _steps, s);
            int n = _running[t];
            float* dxg = _gatesGrad + t * gatesStep, dhg = dhgBase + t * gatesStep;
            int iEnd = Math.Min(r1, n);
            if (iEnd > r0)
            {
                var step = new CellBackwardBuffers
                {
                    Kind = _cell, StateGrad = _dh, OutputGrad = _dy + (nint)t * batch * _width, OutputStride = _width, OutputOffset = _offset,
                    GatesGrad = dxg, HiddenGatesGrad = dhg, Gates = _gates + t * gatesStep,
                    CellGrad = _dc, CellPrev = _cells + previous * slot, Cell = _cells + current * slot,
                    HiddenN = _hiddenN + t * slot, HiddenPrev = _states + previous * slot,
                };
                CellBackwardJob.RunRows(in step, h, r0, iEnd - r0);
                // dh_prev = (GRU: the direct part already in dh) + dGates_hh W_hh, k block by k block as GemmJob runs it.
                packedA.Pack(false, dhg + (nint)r0 * gh, gh, iEnd - r0, gh, mr);
                for (int p0 = 0; p0 < gh; p0 += kcNominal)
                {
                    int kc = Math.Min(kcNominal, gh - p0);
                    float beta = p0 == 0 && !gru ? 0f : 1f;
                    for (int j0 = 0; j0 < h; j0 += GemmPacking.Nc)
                    {
                        int nc = Math.Min(GemmPacking.Nc, h - j0);
                        float* bPanel = _packed + (nint)p0 * _packedColumns + (nint)j0 * kc;
                        for (int ic = r0; ic < iEnd; ic += GemmPacking.Mc)
                        {
                            int mc = Math.Min(GemmPacking.Mc, iEnd - ic);
                            GemmMacroKernel.Run(_kernel, mc, nc, kc, packedA.Panels(p0, ic - r0, kc), bPanel, _dh + (nint)ic * h + j0, h, 1f, beta);
                        }
                    }
                }
            }
            // Rows not running at t carry dh (and dc) and have no gate gradients.
            int c0 = Math.Max(r0, n);
            if (c0 < r1)
            {
                new Span<float>(dxg + (nint)c0 * gh, (r1 - c0) * gh).Clear();
                if (gru) new Span<float>(dhg + (nint)c0 * gh, (r1 - c0) * gh).Clear();
            }
        }
    }
}
