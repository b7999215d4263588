using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static MLNet.Recurrent.Core.Tests.Layers.LayerTestData;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class LinearTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gradients_match_finite_differences(bool bias)
    {
        const int T = 3, B = 2, In = 4, Out = 5;
        var ps = new ParameterSet();
        var linear = new Linear(ps, In, Out, bias, "fc.");
        linear.Initialize(new Random(3));
        using var x = TensorOf(Uniform(4, T * B * In), T, B, In);
        float[] c = Uniform(5, T * B * Out);
        using var y = new Tensor(0);
        using var dx = new Tensor(0);
        using var dy = TensorOf(c, T, B, Out);

        linear.Forward(x, y);
        linear.Backward(dx, dy, x);
        Assert.Equal(new[] { T, B, Out }, y.Shape.ToArray());
        Assert.Equal(new[] { T, B, In }, dx.Shape.ToArray());
        float[] dxCopy = dx.Span.ToArray();

        double Loss()
        {
            linear.Forward(x, y);
            return Dot(c, y.Span);
        }
        var targets = new List<GradientCheck.Target>
        {
            new("fc.weight", ps.Values, linear.Weight.Offset, linear.Weight.Length, ps.Gradients, linear.Weight.Offset),
            new("input", x.Array, 0, x.Length, dxCopy, 0),
        };
        if (linear.Bias is { } b) targets.Add(new("fc.bias", ps.Values, b.Offset, b.Length, ps.Gradients, b.Offset));
        output.WriteLine($"bias = {bias}");
        double err = GradientCheck.MaxRelativeError(Loss, targets, output);
        Assert.True(err < 1e-3, $"max relative error {err:E2} exceeds tolerance 1e-3");
        Assert.Equal(bias ? 2 : 1, ps.Parameters.Count);
    }

    [Fact]
    public void Matches_PyTorch_forward_and_gradients()
    {
        var f = Fixture.Load("linear");
        var ps = new ParameterSet();
        var linear = new Linear(ps, f.Int("input_size"), f.Int("output_size"), f.Bool("bias"), "decoder.");
        f.Data("weight").CopyTo(ps["decoder.weight"].Value);
        f.Data("bias").CopyTo(ps["decoder.bias"].Value);
        using var x = TensorOf(f.Data("input"), f.Shape("input"));
        using var dy = TensorOf(f.Data("upstream"), f.Shape("upstream"));
        using var y = new Tensor(0);
        using var dx = new Tensor(0);

        linear.Forward(x, y);
        linear.Backward(dx, dy, x);

        double forward = Fixture.MaxAbsDiff(f.Data("output"), y.Span);
        double gw = Fixture.MaxAbsDiff(f.Data("grad_weight"), linear.Weight.Gradient);
        double gb = Fixture.MaxAbsDiff(f.Data("grad_bias"), linear.Bias!.Gradient);
        double gx = Fixture.MaxAbsDiff(f.Data("grad_input"), dx.Span);
        output.WriteLine($"max |diff| output {forward:E2} (tolerance 1e-5); grad weight {gw:E2}, bias {gb:E2}, input {gx:E2} (tolerance 1e-4)");
        Assert.True(forward <= 1e-5);
        Assert.True(Math.Max(gw, Math.Max(gb, gx)) <= 1e-4);

        // Without an input gradient only the parameters accumulate: a second pass doubles them.
        linear.Backward(null, dy, x);
        double twice = Fixture.MaxAbsDiff(f.Data("grad_bias").Select(g => 2 * g).ToArray(), linear.Bias.Gradient);
        output.WriteLine($"max |diff| of bias gradient after two passes vs 2 * PyTorch {twice:E2}");
        Assert.True(twice <= 2e-4);
    }

    [Fact]
    public void Initialize_is_seeded_and_bounded_by_one_over_sqrt_fan_in()
    {
        var a = new ParameterSet();
        var b = new ParameterSet();
        new Linear(a, 16, 300).Initialize(new Random(9));
        new Linear(b, 16, 300).Initialize(new Random(9));
        Assert.Equal(a.Values, b.Values);
        float max = a.Values.Max(Math.Abs);
        output.WriteLine($"max |w| {max:F4}, bound 0.25");
        Assert.InRange(max, 0.24f, 0.25f);
    }

    [Fact]
    public void Wrong_shapes_name_the_argument_and_value()
    {
        var linear = new Linear(new ParameterSet(), 4, 3);
        using var x = new Tensor(2, 5);
        using var y = new Tensor(0);
        var ex = Assert.Throws<ArgumentException>(() => linear.Forward(x, y));
        output.WriteLine(ex.Message);
        Assert.StartsWith("'input' was Tensor[2, 5]; its last dimension must be inputSize = 4", ex.Message);

        using var good = new Tensor(2, 4);
        ex = Assert.Throws<ArgumentException>(() => linear.Forward(good, good));
        Assert.StartsWith("'output' was Tensor[2, 4]; it must not be the input tensor", ex.Message);

        using var dy = new Tensor(3, 3);
        ex = Assert.Throws<ArgumentException>(() => linear.Backward(null, dy, good));
        output.WriteLine(ex.Message);
        Assert.StartsWith("'outputGradient' was Tensor[3, 3]; it must hold as many rows as 'input' (Tensor[2, 4])", ex.Message);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(new ParameterSet(), 4, -2));
        Assert.StartsWith("'outputSize' was -2;", range.Message);
    }
}
