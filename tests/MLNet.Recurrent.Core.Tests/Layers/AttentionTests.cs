using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

public class AttentionTests(ITestOutputHelper output)
{
    private static Tensor From(float[] data, params int[] shape)
    {
        var t = new Tensor(shape);
        data.CopyTo(t.Span);
        return t;
    }

    private static (Attention Layer, ParameterSet Parameters) Build(AttentionScore score, int h, int a)
    {
        var parameters = new ParameterSet();
        var layer = new Attention(score, h, h, parameters, a, "attention.");
        return (layer, parameters);
    }

    [Theory]
    [InlineData("dot", AttentionScore.Dot)]
    [InlineData("additive", AttentionScore.Additive)]
    public void Matches_pytorch_forward_and_gradients_with_masks_and_an_empty_sequence(string name, AttentionScore score)
    {
        var f = Fixture.Load($"attention_{name}");
        int tq = f.Int("Tq"), b = f.Int("B"), s = f.Int("S"), h = f.Int("H");
        var (layer, parameters) = Build(score, h, f.Int("A"));
        foreach (var p in parameters.Parameters) f.Data(p.Name["attention.".Length..]).CopyTo(p.Value);

        using var q = From(f.Data("queries"), tq, b, h);
        using var k = From(f.Data("keys"), s, b, h);
        using var context = new Tensor(0);
        layer.Forward(q, k, f.Ints("lengths"), context);
        double forward = Math.Max(Fixture.MaxAbsDiff(f.Data("context"), context.Span), Fixture.MaxAbsDiff(f.Data("weights"), layer.Weights.Span));

        using var dc = From(f.Data("grad_context"), tq, b, h);
        using var dq = new Tensor(0);
        using var dk = new Tensor(0);
        layer.Backward(dq, dk, dc);
        double backward = Math.Max(Fixture.MaxAbsDiff(f.Data("grad_queries"), dq.Span), Fixture.MaxAbsDiff(f.Data("grad_keys"), dk.Span));
        foreach (var p in parameters.Parameters)
            backward = Math.Max(backward, Fixture.MaxAbsDiff(f.Data("grad_" + p.Name["attention.".Length..]), p.Gradient));
        output.WriteLine($"{name}: forward max |diff| {forward:E2}, gradients max |diff| {backward:E2}");
        Assert.True(forward < 1e-5, $"forward {forward:E2}");
        Assert.True(backward < 1e-4, $"gradients {backward:E2}");

        // The empty sequence (index 2) attends to nothing: zero weights, zero context, zero key gradient.
        for (int t = 0; t < tq; t++)
        {
            Assert.All(layer.Weights.Span.Slice((t * b + 2) * s, s).ToArray(), w => Assert.Equal(0f, w));
            Assert.All(context.Span.Slice((t * b + 2) * h, h).ToArray(), c => Assert.Equal(0f, c));
        }
    }

    [Theory]
    [InlineData(AttentionScore.Dot)]
    [InlineData(AttentionScore.Additive)]
    public void Gradients_match_finite_differences(AttentionScore score)
    {
        const int tq = 2, b = 3, s = 4, h = 5;
        var (layer, parameters) = Build(score, h, 3);
        layer.Initialize(new Random(3));
        var rng = new Random(4);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] qv = Random(tq * b * h), kv = Random(s * b * h), r = Random(tq * b * h);
        int[] lengths = [4, 1, 3];
        using var q = new Tensor(tq, b, h);
        using var k = new Tensor(s, b, h);
        using var context = new Tensor(0);
        double Loss()
        {
            qv.CopyTo(q.Span);
            kv.CopyTo(k.Span);
            layer.Forward(q, k, lengths, context);
            double sum = 0;
            for (int i = 0; i < r.Length; i++) sum += (double)r[i] * context.Span[i];
            return sum;
        }
        Loss();
        parameters.ZeroGradients();
        using var dq = new Tensor(0);
        using var dk = new Tensor(0);
        layer.Backward(dq, dk, From(r, tq, b, h));
        var targets = new List<GradientCheck.Target>
        {
            GradientCheck.Of("queries", qv, dq.Span.ToArray()),
            GradientCheck.Of("keys", kv, dk.Span.ToArray()),
        };
        var analytic = (float[])parameters.Gradients.Clone();
        targets.AddRange(parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, parameters.Values, p.Offset, p.Length, analytic, p.Offset)));
        double error = GradientCheck.MaxRelativeError(Loss, targets, output, eps: 1e-2f, floor: 1e-3);
        Assert.True(error < 1e-2, $"max relative error {error:E2} (tolerance 1e-2: float32 forward, eps 1e-2)");
    }

    [Fact]
    public void Bad_shapes_and_lengths_are_named()
    {
        var layer = new Attention(AttentionScore.Dot, 4, 4);
        using var q = new Tensor(2, 3, 4);
        using var k = new Tensor(5, 3, 4);
        using var c = new Tensor(0);
        Assert.Contains("'lengths[1]' was 6", Assert.ThrowsAny<ArgumentException>(() => layer.Forward(q, k, [5, 6, 1], c)).Message);
        using var wrong = new Tensor(5, 2, 4);
        Assert.Contains("'keys'", Assert.ThrowsAny<ArgumentException>(() => layer.Forward(q, wrong, [], c)).Message);
        Assert.Contains("'keySize' was 3", Assert.ThrowsAny<ArgumentException>(() => new Attention(AttentionScore.Dot, 4, 3)).Message);
    }
}
