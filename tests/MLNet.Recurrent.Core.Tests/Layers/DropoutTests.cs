using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class DropoutTests
{
    [Fact]
    public void Drops_about_p_and_scales_survivors_and_backward_uses_the_same_mask()
    {
        const int N = 20000;
        var x = new Tensor(N);
        for (int i = 0; i < N; i++) x.Span[i] = 1f + i % 7;
        var dropout = new Dropout(0.25f, seed: 42);
        var y = new Tensor(0);
        dropout.Forward(x, y, training: true);
        int dropped = 0;
        for (int i = 0; i < N; i++)
        {
            if (y.Span[i] == 0f) dropped++;
            else Assert.Equal(x.Span[i] / 0.75f, y.Span[i], 5);
        }
        // Binomial(20000, 0.25): standard deviation about 61, so +-400 is far outside chance.
        Assert.InRange(dropped, 4600, 5400);
        var dy = new Tensor(N);
        dy.Span.Fill(2f);
        var dx = new Tensor(0);
        dropout.Backward(dx, dy);
        for (int i = 0; i < N; i++) Assert.Equal(y.Span[i] == 0f ? 0f : 2f / 0.75f, dx.Span[i], 5);
    }

    [Fact]
    public void Same_seed_same_masks_and_inference_is_identity()
    {
        var x = new Tensor(100);
        x.Span.Fill(1f);
        var a = new Dropout(0.5f, seed: 7);
        var b = new Dropout(0.5f, seed: 7);
        var ya = new Tensor(0);
        var yb = new Tensor(0);
        a.Forward(x, ya, training: true);
        b.Forward(x, yb, training: true);
        Assert.Equal(ya.Span.ToArray(), yb.Span.ToArray());
        a.Forward(x, ya, training: true);
        Assert.NotEqual(ya.Span.ToArray(), yb.Span.ToArray());
        a.Reset(7);
        a.Forward(x, ya, training: true);
        Assert.Equal(ya.Span.ToArray(), yb.Span.ToArray());
        a.Forward(x, ya, training: false);
        Assert.Equal(x.Span.ToArray(), ya.Span.ToArray());
    }

    [Fact]
    public void Rejects_probability_one()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f, 0));
        Assert.Contains("'probability' was 1; it must be in [0, 1)", ex.Message);
    }
}
