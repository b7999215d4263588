using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>
/// A whole <see cref="RecurrentLayer"/> with the fused recurrent step (<see cref="RecurrentStepJob"/>) against the same
/// layer forced onto the two-stage path (product, then the cell) on the same thread: outputs, final states, input and
/// initial-state gradients and every parameter gradient of a training step must agree bit for bit, for hidden sizes
/// the fused step takes (multiples of the kernel's panel width) and those it leaves to the two-stage path, batch sizes
/// from one row (the row kernel, split between 2 threads by hidden units from H 128) to several row panels, leaving every
/// count of edge rows (1 to 5) under the last full row panel at some step, with ragged lengths so the running rows
/// shrink, on 1 and 2 threads (H 512 with few rows makes two-thread tasks that own parts of the hidden units), and over long ragged batches
/// that 2 threads take in runs of steps split by rows (<see cref="RecurrentSequenceJob"/>,
/// <see cref="RecurrentSequenceBackwardJob"/>). Bidirectional, so both directions' state slots are covered.
/// </summary>
public sealed class RecurrentStepFusionTests(ITestOutputHelper output)
{
    private const int Steps = 4, InputSize = 7;

    [Theory]
    [InlineData(CellType.Lstm, 8)]
    [InlineData(CellType.Lstm, 16)]
    [InlineData(CellType.Lstm, 24)]
    [InlineData(CellType.Lstm, 40)]
    [InlineData(CellType.Lstm, 64)]
    [InlineData(CellType.Lstm, 256)]
    [InlineData(CellType.Gru, 8)]
    [InlineData(CellType.Gru, 16)]
    [InlineData(CellType.Gru, 24)]
    [InlineData(CellType.Gru, 40)]
    [InlineData(CellType.Gru, 64)]
    [InlineData(CellType.Gru, 256)]
    [InlineData(CellType.Lstm, 512)]
    [InlineData(CellType.Gru, 512)]
    [InlineData(CellType.RnnTanh, 16)]
    [InlineData(CellType.RnnTanh, 40)]
    [InlineData(CellType.RnnTanh, 256)]
    [InlineData(CellType.RnnRelu, 64)]
    [InlineData(CellType.RnnTanh, 1024)]
    public void fused_step_gives_the_bits_of_the_two_stage_step_in_forward_and_gradients(CellType cell, int hidden)
    {
        int gateCount = GateCount(cell);
        // H 512 with few rows: the only shapes here whose product is big enough for two threads (2^21 multiply-adds)
        // while one row panel cannot be split, so tasks split the hidden units and the cell runs on parts of rows.
        // The running rows (lengths 4, 3, 2 and one 0) leave every edge-row count under the last full 6-row panel:
        // batch 5 runs 4, 4, 3, 2 rows; 9 runs 8, 8, 6, 3; 32 runs 31, 31, 21, 11; 64 runs 63, 63, 42, 21; 8 runs 7, 7, 5, 3.
        // (The RNN's one gate: H 1024 for that.)
        foreach (int batch in hidden * gateCount >= 2048 ? new[] { 5, 8 } : new[] { 1, 5, 9, 32, 64 })
        {
            bool fused = RecurrentStepJob.Supports(
                Gemm.Pack(transposeB: true, k: hidden, n: gateCount * hidden, new float[gateCount * hidden * hidden], ldb: hidden), batch, hidden, gateCount);
            foreach (int threads in new[] { 1, 2 })
            {
                using var scope = ComputeSettings.UseThreads(threads);
                float[][] twoStage = RunTrainingStep(cell, hidden, batch, disableFusion: true);
                float[][] withFusion = RunTrainingStep(cell, hidden, batch, disableFusion: false);
                int mismatches = 0;
                for (int i = 0; i < twoStage.Length; i++) mismatches += Differences(withFusion[i], twoStage[i]);
                output.WriteLine($"{cell} H {hidden} B {batch}, {threads} thread(s), fused step {(fused ? "taken" : "not taken")}: "
                    + $"{mismatches} differing values of {twoStage.Sum(a => a.Length)}; y[0] {withFusion[0][0]:R}");
                Assert.Equal(0, mismatches);
                Assert.Contains(twoStage[0], v => MathF.Abs(v) > 0.05f);
                Assert.Contains(twoStage[^1], v => MathF.Abs(v) > 1e-4f);
            }
        }
    }

    [Theory]
    [InlineData(CellType.Lstm, 32)]
    [InlineData(CellType.Gru, 32)]
    [InlineData(CellType.Lstm, 64)]
    [InlineData(CellType.Gru, 64)]
    [InlineData(CellType.RnnTanh, 128)]
    [InlineData(CellType.RnnRelu, 64)]
    [InlineData(CellType.Lstm, 512)]
    [InlineData(CellType.Gru, 320)]
    public void row_block_runs_give_the_bits_of_the_step_by_step_loop_over_long_ragged_batches(CellType cell, int hidden)
    {
        // 30 rows over 40 steps on 2 threads take RecurrentSequenceJob and its backward twin: blocks of 15 rows, runs of
        // at most 16 steps. Lengths 2 x 40, 10 x 30, 12 x 20, 5 x 3 and one 0 run 29, 24, 12 and then 2 rows, so from
        // step 20 the second block's rows all carry, and the last ten steps run two rows, which one thread takes with the
        // row kernel. One thread takes the steps one at a time (RecurrentStepJob), and the two-stage path is the
        // reference for both. H 512 (LSTM) and 320 (GRU) run their products in more than one k block (MaxKc 256).
        const int steps = 40, batch = 30;
        int[] lengths = [.. Enumerable.Repeat(40, 2), .. Enumerable.Repeat(30, 10), .. Enumerable.Repeat(20, 12), .. Enumerable.Repeat(3, 5), 0];
        // Shuffled, so the layer's sort by length (and the scatter back) is part of what must agree.
        new Random(5).Shuffle(lengths);
        Assert.Equal(2, RecurrentSequenceJob.Threads(2, batch, steps, GateCount(cell), hidden));
        float[][] reference, oneThread, twoThreads;
        using (ComputeSettings.UseThreads(1)) reference = RunTrainingStep(cell, hidden, batch, disableFusion: true, steps, lengths);
        using (ComputeSettings.UseThreads(1)) oneThread = RunTrainingStep(cell, hidden, batch, disableFusion: false, steps, lengths);
        using (ComputeSettings.UseThreads(2)) twoThreads = RunTrainingStep(cell, hidden, batch, disableFusion: false, steps, lengths);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.Equal(0, Differences(oneThread[i], reference[i]));
            Assert.Equal(0, Differences(twoThreads[i], reference[i]));
        }
        output.WriteLine($"{cell} H {hidden}: {reference.Sum(a => a.Length)} values bit-identical on the two-stage path, 1 thread and 2 threads");
        Assert.Contains(reference[0], v => MathF.Abs(v) > 0.05f);
        Assert.Contains(reference[3], v => MathF.Abs(v) > 1e-4f);
        Assert.Contains(reference[^1], v => MathF.Abs(v) > 1e-4f);
    }

    [Fact]
    public void runs_are_split_by_rows_only_for_enough_rows_and_work()
    {
        Assert.Equal(2, RecurrentSequenceJob.Threads(2, 32, 64, 4, 256));   // config a's layers: W_hh 1 MiB
        Assert.Equal(2, RecurrentSequenceJob.Threads(2, 32, 200, 4, 128));  // config c
        Assert.Equal(2, RecurrentSequenceJob.Threads(4, 32, 64, 3, 256));   // config d (GRU): 2 blocks of at least 12 rows, even with 4 threads
        Assert.Equal(2, RecurrentSequenceJob.Threads(2, 64, 100, 4, 512));  // config b: W_hh 4 MiB, each thread reads all of it
        Assert.Equal(1, RecurrentSequenceJob.Threads(2, 16, 64, 4, 256));   // 16 rows: blocks under 12 rows
        Assert.Equal(1, RecurrentSequenceJob.Threads(2, 32, 2, 4, 64));     // about half a million multiply-adds per thread
        Assert.Equal(1, RecurrentSequenceJob.Threads(1, 32, 64, 4, 256));
        RecurrentSequenceJob.DisabledOnThisThread = true;
        try
        {
            Assert.Equal(1, RecurrentSequenceJob.Threads(2, 32, 64, 4, 256));
        }
        finally
        {
            RecurrentSequenceJob.DisabledOnThisThread = false;
        }
    }

    [Fact]
    public void tensor_primitives_gives_the_whole_span_bits_on_sub_spans_of_whole_panels()
    {
        // What the fused step relies on: sigmoid and tanh of a block of whole kernel panels (16 or 32 floats, at least
        // the widest vector) are the bits of the same elements in one call over the whole span.
        int panel = GemmMicroKernels.Columns(GemmMicroKernels.Best);
        float[] x = LayerTestData.Uniform(11, 64 * panel, 12f);
        foreach (var op in new SpanOp[] { System.Numerics.Tensors.TensorPrimitives.Sigmoid, System.Numerics.Tensors.TensorPrimitives.Tanh })
        {
            float[] whole = new float[x.Length], blocks = new float[x.Length];
            op(x, whole);
            for (int start = 0, size = panel; start < x.Length; start += size, size = size == panel ? 3 * panel : panel)
            {
                int length = Math.Min(size, x.Length - start);
                op(x.AsSpan(start, length), blocks.AsSpan(start, length));
            }
            Assert.Equal(0, Differences(blocks, whole));
        }
    }

    private static int GateCount(CellType cell) => cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };

    private delegate void SpanOp(ReadOnlySpan<float> x, Span<float> destination);

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.RnnTanh)]
    public void fused_step_applies_to_panel_multiples_and_falls_back_otherwise(CellType cell)
    {
        int gateCount = GateCount(cell);
        var kernel = GemmMicroKernels.Best;
        bool Supports(int rows, int h) =>
            RecurrentStepJob.Supports(Gemm.Pack(transposeB: true, k: h, n: gateCount * h, new float[gateCount * h * h], ldb: h), rows, h, gateCount);
        Assert.True(Supports(3, 64));
        Assert.True(Supports(64, 256));
        // One or two rows take the row kernel, where the machine has one.
        Assert.Equal(GemmRowKernel.Supports(kernel), Supports(1, 64));
        Assert.Equal(GemmRowKernel.Supports(kernel), Supports(2, 64));
        Assert.False(Supports(32, 40));
        Assert.False(Supports(1, 40));
        RecurrentStepJob.DisabledOnThisThread = true;
        try
        {
            Assert.False(Supports(64, 256));
        }
        finally
        {
            RecurrentStepJob.DisabledOnThisThread = false;
        }
    }

    [Fact]
    public void one_or_two_row_steps_are_split_between_threads_from_two_to_the_sixteen_multiply_adds_per_row()
    {
        Assert.Equal(2, RecurrentStepJob.RowKernelThreads(2, 4, 128));
        Assert.Equal(1, RecurrentStepJob.RowKernelThreads(2, 4, 112));
        Assert.Equal(2, RecurrentStepJob.RowKernelThreads(2, 3, 160));
        Assert.Equal(1, RecurrentStepJob.RowKernelThreads(2, 3, 144));
        Assert.Equal(1, RecurrentStepJob.RowKernelThreads(1, 4, 512));
    }

    [Theory]
    [InlineData(CellType.Lstm, 32, 8)]
    [InlineData(CellType.Gru, 32, 8)]
    [InlineData(CellType.Lstm, 96, 32)]
    [InlineData(CellType.Gru, 96, 32)]
    [InlineData(CellType.RnnTanh, 32, 8)]
    [InlineData(CellType.RnnTanh, 192, 32)]
    public void steady_state_fused_forward_backward_allocates_nothing(CellType cell, int h, int batch)
    {
        // Batch 8 takes the steps one at a time; batch 32 at H 96 (the RNN's one gate: H 192) takes runs split by rows
        // (RecurrentSequenceJob).
        int[] lengths = [.. Enumerable.Range(0, batch).Select(b => new[] { 4, 4, 3, 3, 2, 4, 1, 4 }[b % 8])];
        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions { Cell = cell, InputSize = InputSize, HiddenSize = h, Bidirectional = true }, parameters);
        layer.InitializeWeights(new Random(1));
        int gateCount = GateCount(cell);
        Assert.True(RecurrentStepJob.Supports(
            Gemm.Pack(transposeB: true, k: h, n: gateCount * h, new float[gateCount * h * h], ldb: h), batch, h, gateCount));
        Assert.Equal(batch >= 32 ? 2 : 1, RecurrentSequenceJob.Threads(2, batch, Steps, gateCount, h));
        using var x = LayerTestData.TensorOf(LayerTestData.Uniform(2, Steps * batch * InputSize), Steps, batch, InputSize);
        using var dy = LayerTestData.TensorOf(LayerTestData.Uniform(3, Steps * batch * 2 * h), Steps, batch, 2 * h);
        Tensor y = new(0), hn = new(0), cn = new(0), dx = new(0), dh0 = new(0);
        using var threads = ComputeSettings.UseThreads(2);
        void Run()
        {
            layer.Forward(x, lengths, null, null, null, y, hn, cell == CellType.Lstm ? cn : null, training: true);
            layer.Backward(dx, dh0, null, null, dy, null, null);
        }
        Run();
        Run();
        long allocated = SteadyState.AllocatedBytes(Run);
        output.WriteLine($"{cell} H {h} B {batch}: steady-state fused Forward+Backward allocated {allocated} bytes");
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// One seeded training step of a bidirectional one-layer network on ragged lengths: returns y, h_n, c_n (LSTM),
    /// dx, dh0, dc0 (LSTM) and the parameter gradients.
    /// </summary>
    private static float[][] RunTrainingStep(CellType cell, int h, int batch, bool disableFusion, int steps = Steps, int[]? lengths = null)
    {
        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions { Cell = cell, InputSize = InputSize, HiddenSize = h, Bidirectional = true }, parameters);
        layer.InitializeWeights(new Random(h * 31 + batch));
        bool lstm = cell == CellType.Lstm;
        using var x = LayerTestData.TensorOf(LayerTestData.Uniform(batch + 5, steps * batch * InputSize, 2f), steps, batch, InputSize);
        using var h0 = LayerTestData.TensorOf(LayerTestData.Uniform(batch + 6, 2 * batch * h), 2, batch, h);
        using var c0 = LayerTestData.TensorOf(LayerTestData.Uniform(batch + 7, 2 * batch * h), 2, batch, h);
        using var dy = LayerTestData.TensorOf(LayerTestData.Uniform(batch + 8, steps * batch * 2 * h), steps, batch, 2 * h);
        // Ragged: some rows end early (and one is empty when the batch allows), so fewer rows run in later steps.
        lengths ??= Enumerable.Range(0, batch).Select(b => batch > 1 && b == batch - 1 ? 0 : Steps - b % 3).ToArray();
        using Tensor y = new(0), hn = new(0), cn = new(0), dx = new(0), dh0 = new(0), dc0 = new(0);
        RecurrentStepJob.DisabledOnThisThread = disableFusion;
        try
        {
            parameters.ZeroGradients();
            layer.Forward(x, lengths, h0, lstm ? c0 : null, null, y, hn, lstm ? cn : null, training: true);
            layer.Backward(dx, dh0, lstm ? dc0 : null, null, dy, null, null);
        }
        finally
        {
            RecurrentStepJob.DisabledOnThisThread = false;
        }
        return [y.Span.ToArray(), hn.Span.ToArray(), cn.Span.ToArray(), dx.Span.ToArray(), dh0.Span.ToArray(), dc0.Span.ToArray(),
            (float[])parameters.Gradients.Clone()];
    }

    private static int Differences(float[] actual, float[] expected)
    {
        if (actual.Length != expected.Length) return Math.Max(actual.Length, expected.Length);
        int n = 0;
        for (int i = 0; i < actual.Length; i++) if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i])) n++;
        return n;
    }
}
