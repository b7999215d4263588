using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>SequencePooling: values by hand, length-0 rows, and finite-difference gradients (tolerance 1e-2 relative, floor 1e-2).</summary>
public sealed class SequencePoolingTests(ITestOutputHelper output)
{
    private static readonly int[] s_lengths = [3, 0, 1, 2];

    [Theory]
    [InlineData(SequencePoolingMode.Last, false)]
    [InlineData(SequencePoolingMode.Last, true)]
    [InlineData(SequencePoolingMode.Mean, false)]
    [InlineData(SequencePoolingMode.Max, false)]
    public void Gradient_matches_finite_differences(SequencePoolingMode mode, bool bidirectional)
    {
        const int T = 3, B = 4, F = 6;
        var random = new Random(3);
        var x = new Tensor(T, B, F);
        // Spread values apart so Max never ties within a perturbation of eps.
        for (int i = 0; i < x.Length; i++) x.Span[i] = (float)(random.Next(-1000, 1000) * 0.01);
        var r = new Tensor(B, F);
        for (int i = 0; i < r.Length; i++) r.Span[i] = 2f * random.NextSingle() - 1f;
        var pool = new SequencePooling(mode, bidirectional);
        var y = new Tensor(0);
        double Loss()
        {
            pool.Forward(x, s_lengths, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y.Span[i] * r.Span[i];
            return sum;
        }
        Loss();
        var dx = new Tensor(0);
        pool.Backward(dx, r);
        output.WriteLine($"{mode}, bidirectional {bidirectional}:");
        double worst = GradientCheck.MaxRelativeError(Loss, [new GradientCheck.Target("input", x.Array, 0, x.Length, dx.Array, 0)], output, eps: 1e-3f);
        Assert.True(worst <= 1e-2, $"max relative error {worst:E2}");
        // Length-0 sequence: zero output and zero gradient.
        for (int f = 0; f < F; f++) Assert.Equal(0f, y.Span[1 * F + f]);
        for (int t = 0; t < T; t++) for (int f = 0; f < F; f++) Assert.Equal(0f, dx.Span[(t * B + 1) * F + f]);
    }

    [Fact]
    public void Pools_over_valid_steps_only()
    {
        // T = 3, B = 2, F = 2; sequence 0 has length 2, sequence 1 length 3. x[t, b, f] = 10 t + 3 b + f, except a
        // large value at the padded step of sequence 0, which no mode may see.
        var x = new Tensor(3, 2, 2);
        for (int t = 0; t < 3; t++) for (int b = 0; b < 2; b++) for (int f = 0; f < 2; f++) x.Span[(t * 2 + b) * 2 + f] = 10 * t + 3 * b + f;
        x.Span[(2 * 2 + 0) * 2 + 0] = 1000f;
        int[] lengths = [2, 3];
        var y = new Tensor(0);
        new SequencePooling(SequencePoolingMode.Last).Forward(x, lengths, y);
        Assert.Equal([10f, 11f, 23f, 24f], y.Span.ToArray());
        new SequencePooling(SequencePoolingMode.Last, bidirectional: true).Forward(x, lengths, y);
        Assert.Equal([10f, 1f, 23f, 4f], y.Span.ToArray());
        new SequencePooling(SequencePoolingMode.Mean).Forward(x, lengths, y);
        Assert.Equal([5f, 6f, 13f, 14f], y.Span.ToArray());
        new SequencePooling(SequencePoolingMode.Max).Forward(x, lengths, y);
        Assert.Equal([10f, 11f, 23f, 24f], y.Span.ToArray());
    }

    [Fact]
    public void Rejects_lengths_beyond_time()
    {
        var pool = new SequencePooling(SequencePoolingMode.Mean);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Forward(new Tensor(2, 1, 1), [3], new Tensor(0)));
        Assert.Contains("'lengths[0]' was 3", ex.Message);
    }
}
