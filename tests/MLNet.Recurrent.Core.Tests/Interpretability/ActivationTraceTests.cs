using System.Text;
using MLNet.Recurrent.Core.Interpretability;

namespace MLNet.Recurrent.Core.Tests.Interpretability;

public sealed class ActivationTraceTests
{
    // N = 3 runes ("a😀b"), H = 2, 2 layers; value = 100 * layer + 10 * rune + unit (+ 0.5 for c).
    private static float[] States(int layer, float offset) =>
        [.. Enumerable.Range(0, 3 * 2).Select(i => 100 * layer + 10 * (i / 2) + i % 2 + offset)];

    [Fact]
    public void Accessors_read_rows_as_runes_and_columns_as_units()
    {
        var trace = new ActivationTrace("a\U0001F600b", 2, [States(0, 0), States(1, 0)], [States(0, 0.5f), States(1, 0.5f)]);
        Assert.Equal(3, trace.Length);
        Assert.Equal(2, trace.Layers);
        Assert.Equal(2, trace.HiddenSize);
        Assert.True(trace.HasCellState);
        Assert.Equal([ActivationKind.Cell, ActivationKind.Hidden], trace.Kinds);
        Assert.Equal([new Rune('a'), new Rune(0x1F600), new Rune('b')], trace.Text.ToArray());

        Assert.Equal([110f, 111f, 120f, 121f], trace.Hidden(1).Slice(2, 4).ToArray());
        Assert.Equal(10.5f, trace.Cell(0)[2]);
        Assert.Equal([101.5f, 111.5f, 121.5f], trace.Activation(1, ActivationKind.Cell, 1));
        Assert.Equal([0f, 10f, 20f], trace.Activation(0, ActivationKind.Hidden, 0));

        Span<float> buffer = stackalloc float[4];
        buffer.Fill(-7);
        trace.CopyActivation(1, ActivationKind.Hidden, 0, buffer);
        Assert.Equal([100f, 110f, 120f, -7f], buffer.ToArray());
    }

    [Fact]
    public void A_trace_without_cell_states_has_only_h()
    {
        var trace = new ActivationTrace([new Rune('x'), new Rune('y'), new Rune('z')], 2, [States(0, 0)]);
        Assert.False(trace.HasCellState);
        Assert.Equal([ActivationKind.Hidden], trace.Kinds);
        Assert.Equal([1f, 11f, 21f], trace.Activation(0, ActivationKind.Hidden, 1));
        var e = Assert.Throws<InvalidOperationException>(() => trace.Activation(0, ActivationKind.Cell, 0));
        Assert.Contains("no cell states", e.Message);
    }

    [Fact]
    public void Sizes_are_validated_with_the_layer_and_both_lengths()
    {
        var wrong = Assert.Throws<ArgumentException>(() => new ActivationTrace("abc", 2, [States(0, 0), new float[5]]));
        Assert.Equal("hidden[1]", wrong.ParamName);
        Assert.StartsWith("'hidden[1]' was \"length 5\"; layer 1 must hold N × H = 3 × 2 = 6 values", wrong.Message);

        var count = Assert.Throws<ArgumentException>(() => new ActivationTrace("abc", 2, [States(0, 0), States(1, 0)], [States(0, 0)]));
        Assert.Equal("cells", count.ParamName);
        Assert.Contains("\"1 layers\"", count.Message);
        Assert.Contains("(2)", count.Message);

        float[] bad = States(0, 0);
        bad[2] = float.NaN; // rune 1, unit 0
        var nan = Assert.Throws<ArgumentException>(() => new ActivationTrace("abc", 2, [States(0, 0)], [bad]));
        Assert.Equal("cells[0]", nan.ParamName);
        Assert.Contains("NaN at rune 1, unit 0", nan.Message);

        Assert.Equal("hiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => new ActivationTrace("abc", 0, [new float[0]])).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => new ActivationTrace("", 2, [new float[0]])).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => new ActivationTrace("abc", 2, [])).ParamName);

        var trace = new ActivationTrace("abc", 2, [States(0, 0)]);
        var layer = Assert.Throws<ArgumentOutOfRangeException>(() => trace.Hidden(1));
        Assert.StartsWith("'layer' was 1; it must be in [0, 1)", layer.Message);
        var unit = Assert.Throws<ArgumentOutOfRangeException>(() => trace.Activation(0, ActivationKind.Hidden, 2));
        Assert.StartsWith("'unit' was 2; it must be in [0, 2)", unit.Message);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => trace.CopyActivation(0, ActivationKind.Hidden, 0, new float[2])).ParamName);
    }
}
