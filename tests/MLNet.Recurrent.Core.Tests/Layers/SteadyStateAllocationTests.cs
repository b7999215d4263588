using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using Xunit.Abstractions;
using static MLNet.Recurrent.Core.Tests.Layers.LayerTestData;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class SteadyStateAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Embedding_linear_and_cross_entropy_steps_allocate_nothing_after_the_first()
    {
        const int T = 3, B = 2, V = 7, D = 4;
        var ps = new ParameterSet();
        var emb = new Embedding(ps, V, D, paddingIndex: 0, "embedding.");
        var fc = new Linear(ps, D, V, prefix: "decoder.");
        emb.Initialize(new Random(1));
        fc.Initialize(new Random(2));
        using var ce = new SoftmaxCrossEntropy(ignoreIndex: -1);
        int[] ids = [1, 2, 0, 3, 6, 5];
        int[] targets = [2, -1, 3, 6, 5, 1];
        float[] mask = [1, 1, 0, 1, 1, 1];
        using Tensor x = new(0), logits = new(0), dLogits = new(0), dx = new(0);

        double Step()
        {
            ps.ZeroGradients();
            emb.Forward(ids, x);
            x.Resize(T, B, D);
            fc.Forward(x, logits);
            double loss = ce.Forward(logits, targets, mask);
            ce.Backward(dLogits);
            fc.Backward(dx, dLogits, x);
            emb.Backward(dx, ids);
            return loss;
        }

        double first = Step();

        double second = 0;
        long allocated = SteadyState.AllocatedBytes(() => second = Step());
        output.WriteLine($"loss {first:R} then {second:R}; {allocated} bytes allocated by the second step");
        Assert.Equal(first, second); // same inputs and weights: bit-identical
        Assert.Equal(0, allocated);
        Assert.Equal(new[] { T, B, V }, logits.Shape.ToArray());
    }
}
