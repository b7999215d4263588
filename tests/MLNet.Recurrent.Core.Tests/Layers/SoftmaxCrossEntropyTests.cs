using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static MLNet.Recurrent.Core.Tests.Layers.LayerTestData;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class SoftmaxCrossEntropyTests(ITestOutputHelper output)
{
    [Fact]
    public void Gradients_match_finite_differences_with_class_weights_ignore_index_and_mask()
    {
        const int N = 8, V = 6, ignore = 5;
        using var ce = new SoftmaxCrossEntropy([1f, 0.5f, 2f, 1.5f, 0.25f, 3f], ignore);
        using var logits = TensorOf(Uniform(21, N * V, 3f), 4, 2, V); // time-major [T, B, V]
        int[] targets = [0, 5, 2, 3, 1, 4, 5, 2];
        float[] mask = [1, 1, 0, 1, 0.5f, 1, 1, 1];
        using var dLogits = new Tensor(0);

        ce.Forward(logits, targets, mask);
        ce.Backward(dLogits);
        Assert.Equal(new[] { 4, 2, V }, dLogits.Shape.ToArray());
        float[] analytic = dLogits.Span.ToArray();

        double err = GradientCheck.MaxRelativeError(() => ce.Forward(logits, targets, mask),
            [new GradientCheck.Target("logits", logits.Array, 0, logits.Length, analytic, 0)], output, eps: 1e-2f);
        Assert.True(err < 1e-3, $"max relative error {err:E2} exceeds tolerance 1e-3");
        // Ignored rows (1, 6) and the masked row (2) get exactly zero gradient.
        foreach (int row in new[] { 1, 2, 6 })
            Assert.All(analytic.AsSpan(row * V, V).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Unweighted_loss_is_the_mean_negative_log_softmax()
    {
        const int N = 5, V = 4;
        using var ce = new SoftmaxCrossEntropy();
        float[] x = Uniform(30, N * V, 2f);
        using var logits = TensorOf(x, N, V);
        int[] targets = [3, 0, 0, 2, 1];
        double loss = ce.Forward(logits, targets);

        double expected = 0;
        for (int i = 0; i < N; i++)
        {
            double z = 0;
            for (int j = 0; j < V; j++) z += Math.Exp(x[i * V + j]);
            expected += Math.Log(z) - x[i * V + targets[i]];
        }
        output.WriteLine($"loss {loss:R} expected {expected / N:R}; bits/symbol {ce.BitsPerSymbol:F6}");
        Assert.Equal(expected / N, loss, 6);
        Assert.Equal(expected, ce.NllSum, 5);
        Assert.Equal(N, ce.Count);
        Assert.Equal(expected / N / Math.Log(2), ce.BitsPerSymbol, 6);
    }

    [Fact]
    public void Matches_PyTorch_loss_probabilities_and_gradient()
    {
        var f = Fixture.Load("cross_entropy_weighted_ignore");
        using var ce = new SoftmaxCrossEntropy(f.Data("class_weights"), f.Int("ignore_index"));
        using var logits = TensorOf(f.Data("logits"), f.Shape("logits"));
        using var dLogits = new Tensor(0);
        double loss = ce.Forward(logits, f.Ints("targets"), f.Data("mask"));
        ce.Backward(dLogits);

        double dLoss = Math.Abs(loss - f.Data("loss")[0]);
        double dProb = Fixture.MaxAbsDiff(f.Data("probabilities"), ce.Probabilities.Span);
        double dNll = Math.Abs(ce.NllSum - f.Data("nll_sum")[0]);
        double dCount = Math.Abs(ce.Count - f.Data("count")[0]);
        double dGrad = Fixture.MaxAbsDiff(f.Data("grad_logits"), dLogits.Span);
        output.WriteLine($"|diff| loss {dLoss:E2}, max probabilities {dProb:E2}, nll sum {dNll:E2}, count {dCount} (tolerance 1e-5)");
        output.WriteLine($"max |diff| grad_logits {dGrad:E2} (tolerance 1e-4)");
        Assert.True(Math.Max(dLoss, dProb) <= 1e-5);
        Assert.True(dNll <= 1e-4); // a sum of 7 terms, each within float32 round-off of PyTorch's
        Assert.Equal(0, dCount);
        Assert.True(dGrad <= 1e-4);
    }

    [Fact]
    public void Huge_logits_stay_finite()
    {
        using var ce = new SoftmaxCrossEntropy();
        using var logits = TensorOf([3e38f, -3e38f, 0f, 1e30f, 1e30f, -1e30f], 2, 3);
        using var dLogits = new Tensor(0);
        double loss = ce.Forward(logits, [0, 1]);
        ce.Backward(dLogits);
        output.WriteLine($"loss {loss:R}; gradient {string.Join(", ", dLogits.Span.ToArray())}");
        // Row 0 puts all mass on its target (nll 0); row 1 splits it between two classes (nll ln 2).
        Assert.Equal(Math.Log(2) / 2, loss, 12);
        Assert.Equal([1f, 0f, 0f, 0.5f, 0.5f, 0f], ce.Probabilities.Span.ToArray());
        Assert.Equal([0f, 0f, 0f, 0.25f, -0.25f, 0f], dLogits.Span.ToArray());
    }

    [Fact]
    public void Nothing_counted_gives_zero_loss_and_gradient()
    {
        using var ce = new SoftmaxCrossEntropy(ignoreIndex: -1);
        using var logits = TensorOf(Uniform(40, 6), 2, 3);
        using var dLogits = TensorOf(Uniform(41, 6), 2, 3); // stale contents must be overwritten
        double loss = ce.Forward(logits, [-1, 2], [1f, 0f]);
        ce.Backward(dLogits);
        Assert.Equal(0, loss);
        Assert.Equal(0, ce.Count);
        Assert.Equal(0, ce.BitsPerSymbol);
        Assert.All(dLogits.Span.ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-3)]
    public void Out_of_range_target_names_row_and_value(int bad)
    {
        using var ce = new SoftmaxCrossEntropy();
        using var logits = new Tensor(3, 4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ce.Forward(logits, [0, 3, bad]));
        output.WriteLine(ex.Message);
        Assert.StartsWith($"'targets[2]' was {bad}; it must be in [0, 4)", ex.Message);
    }

    [Fact]
    public void Bad_inputs_name_the_argument_and_value()
    {
        using var ce = new SoftmaxCrossEntropy([1f, 1f, 2f]);
        using var logits = new Tensor(2, 4);
        var ex = Assert.Throws<ArgumentException>(() => ce.Forward(logits, [0, 1]));
        output.WriteLine(ex.Message);
        Assert.StartsWith("'logits' was Tensor[2, 4]; its last dimension must be the number of class weights = 3", ex.Message);

        using var plain = new SoftmaxCrossEntropy();
        ex = Assert.Throws<ArgumentException>(() => plain.Forward(logits, [0, 1, 2]));
        Assert.StartsWith("'targets' was \"length 3\"; it must hold the rows of logits = 2", ex.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => plain.Forward(logits, [0, 1], [1f, -1f]));
        Assert.StartsWith("'mask[1]' was -1;", range.Message);

        logits.Span[6] = float.NaN;
        ex = Assert.Throws<ArgumentException>(() => plain.Forward(logits, [0, 1]));
        output.WriteLine(ex.Message);
        Assert.StartsWith("'logits[1, 2]' was NaN;", ex.Message);

        range = Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropy([1f, -0.5f]));
        Assert.StartsWith("'classWeights[1]' was -0.5;", range.Message);
        using var fresh = new SoftmaxCrossEntropy();
        Assert.Throws<InvalidOperationException>(() => fresh.Backward(new Tensor(0)));
    }
}
