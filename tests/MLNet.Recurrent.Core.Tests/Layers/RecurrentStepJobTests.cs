using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.Numerics;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>
/// The fused LSTM and GRU steps (product and cell update as one parallel job) against the two-stage path they replace:
/// <c>Gemm.Multiply</c> by the packed W_hh^T on one thread, then <see cref="LstmCell.Forward"/> or <see cref="GruCell.Forward"/>. Every bit must agree,
/// for any thread count, edge rows of every size (the 1 to 5 rows under the last full 6-row panel: 7, 32, 3, 4 and 11
/// rows), two k blocks (H 512) and more rows than one packed A block (150). The product itself must be the exact chain
/// of <see cref="GemmCase.Chain"/>.
/// </summary>
public sealed class RecurrentStepJobTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(32, 64)]
    [InlineData(7, 32)]
    [InlineData(3, 512)]
    [InlineData(4, 32)]
    [InlineData(11, 64)]
    [InlineData(150, 32)]
    public void fused_step_is_bit_identical_to_the_product_then_the_cell_for_1_and_2_threads(int rows, int h)
    {
        var random = new Random(rows * 1000 + h);
        float[] Rand(int length, float scale)
        {
            var a = new float[length];
            for (int i = 0; i < a.Length; i++) a[i] = scale * (2f * random.NextSingle() - 1f);
            return a;
        }
        float[] weight = Rand(4 * h * h, 0.3f), hPrev = Rand(rows * h, 1f), gatesIn = Rand(rows * 4 * h, 2f), cellPrev = Rand(rows * h, 2f);
        var packed = Gemm.Pack(transposeB: true, k: h, n: 4 * h, weight, ldb: h);
        Assert.True(RecurrentStepJob.Supports(packed, rows, h, 4), "the fused step must apply to this shape on this machine");

        float[] gatesRef = (float[])gatesIn.Clone(), cellRef = new float[rows * h], hiddenRef = new float[rows * h];
        Gemm.Multiply(1, false, rows, 1f, hPrev, h, packed, 1f, gatesRef, 4 * h);
        float[] gatesChain = (float[])gatesIn.Clone();
        GemmCase.Chain(false, true, rows, 4 * h, h, 1f, hPrev, h, weight, h, 1f, gatesChain, 4 * h);
        Assert.Equal(0, Count(gatesRef, gatesChain));
        LstmCell.Forward(hiddenRef, cellRef, gatesRef, cellPrev, rows, h);

        foreach (int threads in new[] { 1, 2 })
        {
            float[] gates = (float[])gatesIn.Clone(), cell = new float[rows * h], hidden = new float[rows * h];
            // The output rows are wider than h (a bidirectional layer's [forward | reverse]); h goes at an offset.
            int stride = 2 * h + 3, offset = h + 1;
            float[] y = new float[rows * stride];
            Array.Fill(y, float.NaN);
            RecurrentStepJob.Run(threads, packed, rows, h, hPrev, gates, cellPrev, cell, hidden, y, stride, offset);
            int mismatches = Count(gates, gatesRef) + Count(cell, cellRef) + Count(hidden, hiddenRef) + OutputMismatches(y, stride, offset, hiddenRef, rows, h);
            output.WriteLine($"rows {rows}, H {h}, {threads} thread(s): {mismatches} differing values; h[0] {hidden[0]} vs {hiddenRef[0]}");
            Assert.Equal(0, mismatches);
        }
        // The reference itself must have done work: h = o * tanh(c) lies strictly inside (-1, 1) and is not all zero.
        Assert.Contains(hiddenRef, v => MathF.Abs(v) > 0.05f);
    }

    [Theory]
    [InlineData(32, 64)]
    [InlineData(7, 32)]
    [InlineData(3, 512)]
    [InlineData(4, 32)]
    [InlineData(11, 64)]
    public void fused_gru_step_is_bit_identical_to_the_product_then_the_cell_for_1_and_2_threads(int rows, int h)
    {
        var random = new Random(rows * 1000 + h + 1);
        float[] Rand(int length, float scale)
        {
            var a = new float[length];
            for (int i = 0; i < a.Length; i++) a[i] = scale * (2f * random.NextSingle() - 1f);
            return a;
        }
        float[] weight = Rand(3 * h * h, 0.3f), hPrev = Rand(rows * h, 1f), gatesIn = Rand(rows * 3 * h, 2f), bias = Rand(3 * h, 0.5f);
        // b_hh in every row: what the two-stage path starts its product from.
        float[] biasIn = new float[rows * 3 * h];
        for (int r = 0; r < rows; r++) bias.CopyTo(biasIn, r * 3 * h);
        var packed = Gemm.Pack(transposeB: true, k: h, n: 3 * h, weight, ldb: h);
        Assert.True(RecurrentStepJob.Supports(packed, rows, h, 3), "the fused step must apply to this shape on this machine");

        float[] gatesRef = (float[])gatesIn.Clone(), hgRef = (float[])biasIn.Clone(), nRef = new float[rows * h], hiddenRef = new float[rows * h];
        Gemm.Multiply(1, false, rows, 1f, hPrev, h, packed, 1f, hgRef, 3 * h);
        float[] hgChain = (float[])biasIn.Clone();
        GemmCase.Chain(false, true, rows, 3 * h, h, 1f, hPrev, h, weight, h, 1f, hgChain, 3 * h);
        Assert.Equal(0, Count(hgRef, hgChain));
        GruCell.Forward(hiddenRef, nRef, gatesRef, hgRef, hPrev, rows, h);

        foreach (int threads in new[] { 1, 2 })
        {
            float[] gates = (float[])gatesIn.Clone(), hn = new float[rows * h], hidden = new float[rows * h];
            // The hidden gates start as garbage: the fused step puts b_hh in itself.
            float[] hg = new float[rows * 3 * h];
            Array.Fill(hg, float.NaN);
            float[] y = new float[rows * h];
            RecurrentStepJob.RunGru(threads, packed, rows, h, hPrev, bias, hg, gates, hn, hidden, y, h, 0);
            int mismatches = Count(gates, gatesRef) + Count(hg, hgRef) + Count(hn, nRef) + Count(hidden, hiddenRef) + Count(y, hiddenRef);
            output.WriteLine($"GRU rows {rows}, H {h}, {threads} thread(s): {mismatches} differing values");
            Assert.Equal(0, mismatches);
        }
        Assert.Contains(hiddenRef, v => MathF.Abs(v) > 0.05f);
    }

    [Fact]
    public void fused_step_updates_only_the_given_rows()
    {
        const int rows = 9, running = 5, h = 32;
        var random = new Random(3);
        float[] weight = new float[4 * h * h];
        for (int i = 0; i < weight.Length; i++) weight[i] = random.NextSingle() - 0.5f;
        var packed = Gemm.Pack(transposeB: true, k: h, n: 4 * h, weight, ldb: h);
        float[] hPrev = new float[rows * h], gates = new float[rows * 4 * h], cellPrev = new float[rows * h];
        Array.Fill(hPrev, 0.5f);
        float[] cell = new float[rows * h], hidden = new float[rows * h];
        Array.Fill(cell, 7f);
        Array.Fill(hidden, 7f);
        float[] y = new float[rows * h];
        Array.Fill(y, 7f);
        RecurrentStepJob.Run(2, packed, running, h, hPrev, gates, cellPrev, cell, hidden, y, h, 0);
        Assert.All(hidden[(running * h)..], v => Assert.Equal(7f, v));
        Assert.All(y[(running * h)..], v => Assert.Equal(7f, v));
        Assert.Equal(hidden[..(running * h)], y[..(running * h)]);
        Assert.All(cell[(running * h)..], v => Assert.Equal(7f, v));
        Assert.All(hidden[..(running * h)], v => Assert.InRange(v, -0.9999f, 0.9999f));
        Assert.DoesNotContain(7f, hidden[..(running * h)]);
    }

    /// <summary>Values of the output's h columns that differ from the reference h, plus any column outside them that was written.</summary>
    private static int OutputMismatches(float[] y, int stride, int offset, float[] hiddenRef, int rows, int h)
    {
        int n = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < stride; j++)
            {
                float v = y[r * stride + j];
                bool inside = j >= offset && j < offset + h;
                if (inside ? BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(hiddenRef[r * h + j - offset]) : !float.IsNaN(v)) n++;
            }
        }
        return n;
    }

    private static int Count(float[] actual, float[] expected)
    {
        int n = 0;
        for (int i = 0; i < actual.Length; i++) if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i])) n++;
        return n;
    }
}
