using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>
/// RecurrentLayer against PyTorch 1.13 (tests/fixtures/recurrent_fixtures.py): same weights, inputs and upstream
/// gradients in, forward within 1e-5 and every gradient within 1e-4 (absolute) out.
/// </summary>
public sealed class RecurrentLayerFixtureTests(ITestOutputHelper output)
{
    private const double ForwardTolerance = 1e-5, GradientTolerance = 1e-4;

    [Theory]
    [InlineData("rnn_tanh_l1_equal")]
    [InlineData("rnn_tanh_l1_packed")]
    [InlineData("rnn_tanh_l2_bidir_equal")]
    [InlineData("rnn_tanh_l2_bidir_packed")]
    [InlineData("rnn_relu_l1_packed")]
    [InlineData("lstm_l1_equal")]
    [InlineData("lstm_l1_packed")]
    [InlineData("lstm_l2_bidir_equal")]
    [InlineData("lstm_l2_bidir_packed")]
    [InlineData("gru_l1_equal")]
    [InlineData("gru_l1_packed")]
    [InlineData("gru_l2_bidir_equal")]
    [InlineData("gru_l2_bidir_packed")]
    public void Matches_PyTorch(string name)
    {
        var f = Fixture.Load(name);
        var cell = f.String("cell") switch
        {
            "rnn_tanh" => CellType.RnnTanh,
            "rnn_relu" => CellType.RnnRelu,
            "lstm" => CellType.Lstm,
            _ => CellType.Gru,
        };
        bool lstm = cell == CellType.Lstm;
        var options = new RecurrentLayerOptions
        {
            Cell = cell,
            InputSize = f.Int("input_size"),
            HiddenSize = f.Int("hidden_size"),
            Layers = f.Int("num_layers"),
            Bidirectional = f.Bool("bidirectional"),
        };
        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(options, parameters, "rnn.");
        foreach (var p in parameters.Parameters)
        {
            string torchName = p.Name["rnn.".Length..];
            Assert.Equal(f.Shape(torchName), p.Shape.ToArray());
            f.Data(torchName).CopyTo(p.Value);
        }

        var y = new Tensor(0);
        var hn = new Tensor(0);
        var cn = new Tensor(0);
        layer.Forward(Load(f, "input"), f.Ints("lengths"), Load(f, "h0"), lstm ? Load(f, "c0") : null, null,
            y, hn, lstm ? cn : null, training: false);

        double worstForward = Compare(f, "output", y);
        worstForward = Math.Max(worstForward, Compare(f, "h_n", hn));
        if (lstm) worstForward = Math.Max(worstForward, Compare(f, "c_n", cn));
        output.WriteLine($"{name}: forward max |diff| {worstForward:E2} (tolerance {ForwardTolerance:E0})");

        var dx = new Tensor(0);
        var dh0 = new Tensor(0);
        var dc0 = new Tensor(0);
        parameters.ZeroGradients();
        layer.Backward(dx, dh0, lstm ? dc0 : null, null, Load(f, "grad_output"), Load(f, "grad_h_n"), lstm ? Load(f, "grad_c_n") : null);
        double worstGrad = Compare(f, "grad_input", dx);
        worstGrad = Math.Max(worstGrad, Compare(f, "grad_h0", dh0));
        if (lstm) worstGrad = Math.Max(worstGrad, Compare(f, "grad_c0", dc0));
        foreach (var p in parameters.Parameters)
        {
            double d = Fixture.MaxAbsDiff(f.Data("grad_" + p.Name["rnn.".Length..]), p.Gradient);
            worstGrad = Math.Max(worstGrad, d);
        }
        output.WriteLine($"{name}: gradient max |diff| {worstGrad:E2} (tolerance {GradientTolerance:E0})");
        Assert.True(worstForward <= ForwardTolerance, $"forward differs by {worstForward:E2}");
        Assert.True(worstGrad <= GradientTolerance, $"gradients differ by {worstGrad:E2}");
    }

    private double Compare(Fixture f, string name, Tensor actual)
    {
        Assert.Equal(f.Shape(name), actual.Shape.ToArray());
        double d = Fixture.MaxAbsDiff(f.Data(name), actual.Span);
        output.WriteLine($"  {name,-12} max |diff| {d:E2}");
        return d;
    }

    private static Tensor Load(Fixture f, string name)
    {
        var t = new Tensor(f.Shape(name));
        f.Data(name).CopyTo(t.Span);
        return t;
    }
}
