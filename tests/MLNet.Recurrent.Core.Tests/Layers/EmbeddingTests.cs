using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static MLNet.Recurrent.Core.Tests.Layers.LayerTestData;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class EmbeddingTests(ITestOutputHelper output)
{
    [Fact]
    public void Gradients_match_finite_differences_with_padding_and_repeated_ids()
    {
        const int V = 6, D = 3, padding = 4;
        var ps = new ParameterSet();
        var emb = new Embedding(ps, V, D, padding, "embedding.");
        Uniform(1, V * D).CopyTo(ps.Values, 0);
        int[] ids = [1, 4, 1, 0, 1, 4, 2, 0]; // T = 4, B = 2; id 1 three times, padding twice, ids 3 and 5 never
        float[] c = Uniform(2, ids.Length * D);
        using var y = new Tensor(0);

        emb.Forward(ids, y);
        using var dy = TensorOf(c, ids.Length, D);
        emb.Backward(dy, ids);

        double Loss()
        {
            emb.Forward(ids, y);
            return Dot(c, y.Span);
        }
        // The padding row is read by Forward but gets no gradient (PyTorch's padding_idx), so finite
        // differences of it are not zero: check the rows before and after it, and the padding row separately.
        double err = GradientCheck.MaxRelativeError(Loss,
        [
            new GradientCheck.Target("weight rows 0-3", ps.Values, emb.Weight.Offset, padding * D, ps.Gradients, emb.Weight.Offset),
            new GradientCheck.Target("weight row 5", ps.Values, emb.Weight.Offset + (padding + 1) * D, D, ps.Gradients, emb.Weight.Offset + (padding + 1) * D),
        ], output);
        Assert.True(err < 1e-3, $"max relative error {err:E2} exceeds tolerance 1e-3");
        Assert.All(emb.Weight.Gradient.Slice(padding * D, D).ToArray(), g => Assert.Equal(0f, g));
        // Row 1 gathers three output rows: its gradient is their sum.
        for (int d = 0; d < D; d++)
            Assert.Equal(c[0 * D + d] + c[2 * D + d] + c[4 * D + d], emb.Weight.Gradient[1 * D + d], 6);
    }

    [Fact]
    public void Matches_PyTorch_forward_and_gradients_and_accumulates()
    {
        var f = Fixture.Load("embedding_padding");
        var ps = new ParameterSet();
        var emb = new Embedding(ps, f.Int("vocabulary_size"), f.Int("embedding_size"), f.Int("padding_index"), "encoder.");
        f.Data("weight").CopyTo(emb.Weight.Value);
        int[] ids = f.Ints("ids");
        using var y = new Tensor(0);
        emb.Forward(ids, y);
        using var dy = TensorOf(f.Data("upstream"), f.Shape("upstream"));
        emb.Backward(dy, ids);

        double forward = Fixture.MaxAbsDiff(f.Data("output"), y.Span);
        double grad = Fixture.MaxAbsDiff(f.Data("grad_weight"), emb.Weight.Gradient);
        output.WriteLine($"max |diff| output {forward:E2} (tolerance 1e-5), grad_weight {grad:E2} (tolerance 1e-4)");
        Assert.Equal(new[] { ids.Length, emb.EmbeddingSize }, y.Shape.ToArray());
        Assert.True(forward <= 1e-5);
        Assert.True(grad <= 1e-4);

        emb.Backward(dy, ids); // parameter gradients accumulate: a second pass doubles them
        float[] twice = f.Data("grad_weight").Select(g => 2 * g).ToArray();
        double accumulated = Fixture.MaxAbsDiff(twice, emb.Weight.Gradient);
        output.WriteLine($"max |diff| after two backward passes vs 2 * PyTorch {accumulated:E2}");
        Assert.True(accumulated <= 2e-4);
        Assert.Equal("encoder.weight", ps.Parameters[0].Name);

        // An output already shaped [T, B, D] keeps that shape and gets the same values.
        using var timeMajor = new Tensor(f.Int("steps"), f.Int("batch"), emb.EmbeddingSize);
        emb.Forward(ids, timeMajor);
        Assert.Equal(new[] { f.Int("steps"), f.Int("batch"), emb.EmbeddingSize }, timeMajor.Shape.ToArray());
        Assert.Equal(0, Fixture.MaxAbsDiff(f.Data("output"), timeMajor.Span));
    }

    [Fact]
    public void Initialize_is_seeded_standard_normal_with_zero_padding_row()
    {
        const int V = 200, D = 50, padding = 7;
        var a = new ParameterSet();
        var b = new ParameterSet();
        new Embedding(a, V, D, padding).Initialize(new Random(5));
        new Embedding(b, V, D, padding).Initialize(new Random(5));
        Assert.Equal(a.Values, b.Values);
        Assert.All(a.Values.AsSpan(padding * D, D).ToArray(), w => Assert.Equal(0f, w));
        double mean = a.Values.Average(x => (double)x);
        double variance = a.Values.Average(x => (x - mean) * (x - mean));
        output.WriteLine($"mean {mean:F4} variance {variance:F4} over {a.Count} weights");
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-1)]
    public void Out_of_range_id_names_position_and_value(int bad)
    {
        var emb = new Embedding(new ParameterSet(), 7, 2);
        using var y = new Tensor(0);
        int[] ids = [0, 1, 6, 3, bad, 2];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(ids, y));
        output.WriteLine(ex.Message);
        Assert.StartsWith($"'ids[4]' was {bad}; it must be in [0, 7)", ex.Message);
    }

    [Fact]
    public void Bad_construction_and_gradient_shapes_are_named()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(new ParameterSet(), 5, 3, paddingIndex: 5));
        Assert.StartsWith("'paddingIndex' was 5;", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(new ParameterSet(), 5, 0));
        Assert.StartsWith("'embeddingSize' was 0;", ex.Message);

        var emb = new Embedding(new ParameterSet(), 5, 3);
        using var wrongWidth = new Tensor(2, 4);
        var arg = Assert.Throws<ArgumentException>(() => emb.Backward(wrongWidth, [0, 1]));
        output.WriteLine(arg.Message);
        Assert.StartsWith("'outputGradient' was Tensor[2, 4]; its last dimension must be embeddingSize = 3", arg.Message);
        using var rows = new Tensor(3, 3);
        arg = Assert.Throws<ArgumentException>(() => emb.Backward(rows, [0, 1]));
        Assert.StartsWith("'ids' was \"length 2\"", arg.Message);
    }
}
