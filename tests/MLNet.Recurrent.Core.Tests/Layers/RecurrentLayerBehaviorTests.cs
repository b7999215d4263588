using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>Packed-sequence semantics, the step-at-a-time API, naming, validation and allocation of RecurrentLayer.</summary>
public sealed class RecurrentLayerBehaviorTests(ITestOutputHelper output)
{
    private static (RecurrentLayer Layer, ParameterSet Parameters) Build(CellType cell, int layers, bool bidirectional, int conditioning = 0, bool learned = false, int seed = 1)
    {
        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = cell, InputSize = 3, HiddenSize = 5, Layers = layers, Bidirectional = bidirectional,
            ConditioningSize = conditioning, LearnedInitialState = learned,
        }, parameters);
        var random = new Random(seed);
        layer.InitializeWeights(random);
        if (learned)
        {
            foreach (var p in parameters.Parameters.Where(p => p.Name is "h0" or "c0"))
                for (int i = 0; i < p.Length; i++) p.Value[i] = random.NextSingle() - 0.5f;
        }
        return (layer, parameters);
    }

    private static Tensor RandomTensor(Random random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++) t.Span[i] = 2f * random.NextSingle() - 1f;
        return t;
    }

    [Theory]
    [InlineData(CellType.RnnTanh)]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Each_sequence_of_a_packed_batch_matches_running_it_alone(CellType cell)
    {
        const int T = 5, B = 4, H = 5;
        int[] lengths = [2, 5, 0, 4];
        var (layer, _) = Build(cell, 2, true);
        var random = new Random(2);
        var x = RandomTensor(random, T, B, 3);
        var h0 = RandomTensor(random, 4, B, H);
        var c0 = cell == CellType.Lstm ? RandomTensor(random, 4, B, H) : null;
        var y = new Tensor(0);
        var hn = new Tensor(0);
        var cn = new Tensor(0);
        layer.Forward(x, lengths, h0, c0, null, y, hn, c0 is null ? null : cn, training: false);
        float[] batchY = y.Span.ToArray(), batchH = hn.Span.ToArray(), batchC = cn.Span.ToArray();

        double worst = 0;
        for (int b = 0; b < B; b++)
        {
            int len = lengths[b];
            if (len == 0)
            {
                // Length 0: zero outputs and final state = initial state.
                for (int t = 0; t < T; t++) for (int k = 0; k < 2 * H; k++) Assert.Equal(0f, batchY[(t * B + b) * 2 * H + k]);
                for (int s = 0; s < 4; s++) for (int k = 0; k < H; k++) Assert.Equal(h0.Span[(s * B + b) * H + k], batchH[(s * B + b) * H + k]);
                continue;
            }
            var xb = new Tensor(len, 1, 3);
            for (int t = 0; t < len; t++) x.Span.Slice((t * B + b) * 3, 3).CopyTo(xb.Span.Slice(t * 3, 3));
            var h0b = Column(h0, 4, B, H, b);
            var c0b = c0 is null ? null : Column(c0, 4, B, H, b);
            var yb = new Tensor(0);
            var hnb = new Tensor(0);
            var cnb = new Tensor(0);
            layer.Forward(xb, [], h0b, c0b, null, yb, hnb, c0 is null ? null : cnb, training: false);
            for (int t = 0; t < T; t++)
                for (int k = 0; k < 2 * H; k++)
                {
                    float expected = t < len ? yb.Span[t * 2 * H + k] : 0f;
                    worst = Math.Max(worst, Math.Abs(expected - batchY[(t * B + b) * 2 * H + k]));
                }
            for (int s = 0; s < 4; s++)
                for (int k = 0; k < H; k++)
                {
                    worst = Math.Max(worst, Math.Abs(hnb.Span[s * H + k] - batchH[(s * B + b) * H + k]));
                    if (c0 is not null) worst = Math.Max(worst, Math.Abs(cnb.Span[s * H + k] - batchC[(s * B + b) * H + k]));
                }
        }
        output.WriteLine($"{cell}: packed batch vs sequences alone, max |diff| {worst:E2} (tolerance 1e-6)");
        Assert.True(worst <= 1e-6, $"max |diff| {worst:E2}");
    }

    private static Tensor Column(Tensor t, int s, int batch, int h, int b)
    {
        var result = new Tensor(s, 1, h);
        for (int i = 0; i < s; i++) t.Span.Slice((i * batch + b) * h, h).CopyTo(result.Span.Slice(i * h, h));
        return result;
    }

    [Fact]
    public void Length_zero_passes_final_gradient_straight_to_initial_state()
    {
        var (layer, _) = Build(CellType.Lstm, 1, true);
        var random = new Random(4);
        var x = RandomTensor(random, 3, 2, 3);
        var h0 = RandomTensor(random, 2, 2, 5);
        var c0 = RandomTensor(random, 2, 2, 5);
        var y = new Tensor(0);
        var hn = new Tensor(0);
        var cn = new Tensor(0);
        layer.Forward(x, [3, 0], h0, c0, null, y, hn, cn, training: false);
        var dy = RandomTensor(random, 3, 2, 10);
        var dhn = RandomTensor(random, 2, 2, 5);
        var dcn = RandomTensor(random, 2, 2, 5);
        var dh0 = new Tensor(0);
        var dc0 = new Tensor(0);
        var dx = new Tensor(0);
        layer.Backward(dx, dh0, dc0, null, dy, dhn, dcn);
        for (int s = 0; s < 2; s++)
            for (int k = 0; k < 5; k++)
            {
                Assert.Equal(dhn.Span[(s * 2 + 1) * 5 + k], dh0.Span[(s * 2 + 1) * 5 + k]);
                Assert.Equal(dcn.Span[(s * 2 + 1) * 5 + k], dc0.Span[(s * 2 + 1) * 5 + k]);
                Assert.Equal(cn.Span[(s * 2 + 1) * 5 + k], c0.Span[(s * 2 + 1) * 5 + k]);
            }
        for (int t = 0; t < 3; t++) for (int k = 0; k < 3; k++) Assert.Equal(0f, dx.Span[(t * 2 + 1) * 3 + k]);
    }

    [Theory]
    [InlineData(CellType.RnnRelu)]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Step_matches_forward(CellType cell)
    {
        const int T = 4, B = 3, H = 5;
        var (layer, _) = Build(cell, 2, false, conditioning: 2, learned: true);
        var random = new Random(5);
        var x = RandomTensor(random, T, B, 3);
        var v = RandomTensor(random, B, 2);
        var y = new Tensor(0);
        var hn = new Tensor(0);
        layer.Forward(x, [], null, null, v, y, hn, null, training: false);

        var state = layer.CreateState(B);
        v.Span.CopyTo(state.Conditioning);
        var step = new float[B * H];
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            layer.Step(x.Span.Slice(t * B * 3, B * 3), state, step);
            for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(step[i] - y.Span[t * B * H + i]));
        }
        for (int i = 0; i < hn.Length; i++) worst = Math.Max(worst, Math.Abs(state.Hidden[i] - hn.Span[i]));
        output.WriteLine($"{cell}: Step vs Forward max |diff| {worst:E2} (tolerance 1e-6)");
        Assert.True(worst <= 1e-6, $"max |diff| {worst:E2}");

        state.Reset();
        layer.Step(x.Span[..(B * 3)], state, step);
        for (int i = 0; i < B * H; i++) Assert.Equal(y.Span[i], step[i], 6);
    }

    [Fact]
    public void Registers_PyTorch_names_in_PyTorch_order()
    {
        var parameters = new ParameterSet();
        _ = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = CellType.Gru, InputSize = 3, HiddenSize = 5, Layers = 2, Bidirectional = true, ConditioningSize = 4, LearnedInitialState = true,
        }, parameters, "enc.");
        string[] expected =
        [
            "enc.weight_ih_l0[15, 3]", "enc.weight_hh_l0[15, 5]", "enc.bias_ih_l0[15]", "enc.bias_hh_l0[15]",
            "enc.weight_ih_l0_reverse[15, 3]", "enc.weight_hh_l0_reverse[15, 5]", "enc.bias_ih_l0_reverse[15]", "enc.bias_hh_l0_reverse[15]",
            "enc.weight_ih_l1[15, 10]", "enc.weight_hh_l1[15, 5]", "enc.bias_ih_l1[15]", "enc.bias_hh_l1[15]",
            "enc.weight_ih_l1_reverse[15, 10]", "enc.weight_hh_l1_reverse[15, 5]", "enc.bias_ih_l1_reverse[15]", "enc.bias_hh_l1_reverse[15]",
            "enc.weight_vh_l0[15, 4]", "enc.weight_vh_l0_reverse[15, 4]", "enc.h0[4, 5]",
        ];
        Assert.Equal(expected, parameters.Parameters.Select(p => p.ToString()).ToArray());
    }

    [Fact]
    public void Initialization_is_seeded_and_within_PyTorch_bounds()
    {
        var (_, a) = Build(CellType.Lstm, 2, true, seed: 9);
        var (_, b) = Build(CellType.Lstm, 2, true, seed: 9);
        Assert.Equal(a.Values, b.Values);
        float bound = 1f / MathF.Sqrt(5);
        Assert.All(a.Values, w => Assert.InRange(w, -bound, bound));
        Assert.True(a.Values.Max() > 0.9f * bound && a.Values.Min() < -0.9f * bound);
    }

    [Fact]
    public void Rejects_bad_options_and_inputs_naming_them()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentLayer(new RecurrentLayerOptions { InputSize = 3, HiddenSize = 0 }, new ParameterSet()));
        Assert.Contains("'HiddenSize' was 0; it must be positive", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentLayer(new RecurrentLayerOptions { InputSize = 3, HiddenSize = 2, Dropout = 1f }, new ParameterSet()));
        Assert.Contains("'Dropout' was 1; it must be in [0, 1)", ex.Message);

        var (layer, _) = Build(CellType.Gru, 1, false);
        var y = new Tensor(0);
        var hn = new Tensor(0);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new Tensor(2, 2, 3), [2, 3], null, null, null, y, hn, null, false));
        Assert.Contains("'lengths[1]' was 3; it must be in [0, 2]", ex.Message);
        var arg = Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 2, 4), [], null, null, null, y, hn, null, false));
        Assert.Contains("'input'", arg.Message);
        arg = Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 2, 3), [], null, new Tensor(1, 2, 5), null, y, hn, null, false));
        Assert.Contains("'initialCell'", arg.Message);
        Assert.Throws<InvalidOperationException>(() => Build(CellType.Gru, 1, true).Layer.CreateState(1));
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Steady_state_forward_backward_allocates_nothing(CellType cell)
    {
        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = cell, InputSize = 3, HiddenSize = 5, Layers = 2, Bidirectional = true, Dropout = 0.2f, ConditioningSize = 2, LearnedInitialState = true,
        }, parameters);
        layer.InitializeWeights(new Random(1));
        var random = new Random(2);
        var x = RandomTensor(random, 6, 4, 3);
        var v = RandomTensor(random, 4, 2);
        var dy = RandomTensor(random, 6, 4, 10);
        int[] lengths = [6, 2, 0, 5];
        Tensor y = new(0), hn = new(0), cn = new(0), dx = new(0), dh0 = new(0), dc0 = new(0), dv = new(0);
        void Run()
        {
            layer.Forward(x, lengths, null, null, v, y, hn, cell == CellType.Lstm ? cn : null, training: true);
            layer.Backward(dx, dh0, cell == CellType.Lstm ? dc0 : null, dv, dy, hn, null);
        }
        Run();
        Run();
        long allocated = SteadyState.AllocatedBytes(Run);
        output.WriteLine($"{cell}: steady-state Forward+Backward allocated {allocated} bytes");
        Assert.Equal(0, allocated);
    }
}
