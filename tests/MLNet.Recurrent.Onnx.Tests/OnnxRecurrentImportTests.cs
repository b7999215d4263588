using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Onnx.Tests.TestSupport;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;

namespace MLNet.Recurrent.Onnx.Tests;

public sealed class OnnxRecurrentImportTests
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string> Fixtures => ["lstm_l1", "lstm_l2_bidir", "gru_l1", "gru_l2_bidir", "rnn_tanh_l2_bidir", "rnn_relu_l2"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void a_pytorch_exported_stack_imports_with_pytorchs_shape_and_exact_weights(string name)
    {
        var fixture = TorchFixture.Load(name);
        var stack = OnnxRecurrentImport.ReadRecurrentStack(fixture.OnnxPath);

        string cell = fixture.Config.GetProperty("cell").GetString()!;
        string nonlinearity = fixture.Config.GetProperty("nonlinearity").GetString()!;
        CellType expected = cell switch { "lstm" => CellType.Lstm, "gru" => CellType.Gru, _ => nonlinearity == "relu" ? CellType.RnnRelu : CellType.RnnTanh };
        Assert.Equal(expected, stack.Options.Cell);
        Assert.Equal(fixture.Config.GetProperty("layers").GetInt32(), stack.Options.Layers);
        Assert.Equal(fixture.Config.GetProperty("bidirectional").GetBoolean(), stack.Options.Bidirectional);
        Assert.Equal(fixture.Config.GetProperty("input_size").GetInt32(), stack.Options.InputSize);
        Assert.Equal(fixture.Config.GetProperty("hidden_size").GetInt32(), stack.Options.HiddenSize);
        Assert.Equal(4 * stack.Options.Layers * stack.Options.Directions, stack.Weights.Count);
        foreach (var (weight, values) in stack.Weights) Assert.Equal(fixture.Data(weight), values); // gate order undone bit for bit
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void an_imported_stack_gives_pytorchs_outputs_on_full_and_packed_sequences(string name)
    {
        var fixture = TorchFixture.Load(name);
        var parameters = new ParameterSet();
        var layer = OnnxRecurrentImport.ReadRecurrentStack(fixture.OnnxPath).CreateLayer(parameters, "rnn.");
        int[] lengths = fixture.Config.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        foreach (var (x, y, hN, lens) in (ReadOnlySpan<(string, string, string, int[])>)[("x", "y", "h_n", []), ("x_padded", "y_packed", "h_n_packed", lengths)])
        {
            using var input = new Tensor(fixture.Shape(x));
            fixture.Data(x).CopyTo(input.Span);
            using var output = new Tensor(0);
            using var finalHidden = new Tensor(0);
            layer.Forward(input, lens, null, null, null, output, finalHidden, null, training: false);
            Assert.True(MaxDifference(fixture.Data(y), output.Span, $"{name} {y}") <= Tolerance);
            Assert.True(MaxDifference(fixture.Data(hN), finalHidden.Span, $"{name} {hN}") <= Tolerance);
        }
    }

    [Theory]
    [InlineData(CellType.Lstm, true)]
    [InlineData(CellType.Gru, false)]
    [InlineData(CellType.RnnRelu, true)]
    public void a_network_exported_here_imports_back_with_the_same_recurrent_weights(CellType cell, bool bidirectional)
    {
        using var network = SequenceNetworkOnnxExportTests.Build(cell, 2, bidirectional, tokens: true, learnedInitialState: false, perStep: false, SequencePoolingMode.Mean);
        using var copy = new SequenceNetwork(network.Options);

        using (var stream = new MemoryStream(SequenceNetworkOnnxExportTests.Export(network)))
            OnnxRecurrentImport.ReadRecurrentStack(stream).CopyTo(copy);

        foreach (var p in network.Parameters.Parameters)
        {
            float[] imported = copy.Parameters[p.Name].Value.ToArray();
            if (p.Name.StartsWith("rnn.", StringComparison.Ordinal)) Assert.Equal(p.Value.ToArray(), imported);
            else Assert.All(imported, v => Assert.Equal(0f, v)); // the embedding and output layer are not the stack's
        }
    }

    [Fact]
    public void importing_into_a_network_of_another_shape_names_both_shapes()
    {
        var stack = OnnxRecurrentImport.ReadRecurrentStack(TorchFixture.Load("gru_l2_bidir").OnnxPath);
        using var network = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 3, Cell = CellType.Gru, HiddenSize = 4, Layers = 1, Bidirectional = true, OutputSize = 2 });

        var e = Assert.Throws<ArgumentException>(() => stack.CopyTo(network));

        Assert.Equal("'network' has a recurrent stack of 1 Gru layer(s), input size 3, hidden size 4, bidirectional True; " +
                     "the imported one is 2 Gru layer(s), input size 3, hidden size 4, bidirectional True. (Parameter 'network')", e.Message);
    }

    [Fact]
    public void a_gru_without_linear_before_reset_is_rejected_because_pytorch_has_no_such_gru()
    {
        using var network = SequenceNetworkOnnxExportTests.Build(CellType.Gru, 1, false, tokens: true, learnedInitialState: false, perStep: false, SequencePoolingMode.Last);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(SequenceNetworkOnnxExportTests.Export(network));
        model.Graph.Node.Single(n => n.OpType == "GRU").Attribute.Single(a => a.Name == "linear_before_reset").I = 0;

        var e = Assert.Throws<InvalidDataException>(() => OnnxRecurrentImport.ReadRecurrentStack(Serialized(model)));

        Assert.Equal("GRU node 'rnn_l0.Y' (layer 0): 'linear_before_reset' was 0; it must be 1 (PyTorch's GRU: the reset gate multiplies W_hn h + b_hn).", e.Message);
    }

    [Fact]
    public void an_lstm_with_cell_clipping_is_rejected_naming_the_attribute()
    {
        using var network = SequenceNetworkOnnxExportTests.Build(CellType.Lstm, 1, false, tokens: true, learnedInitialState: false, perStep: false, SequencePoolingMode.Last);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(SequenceNetworkOnnxExportTests.Export(network));
        model.Graph.Node.Single(n => n.OpType == "LSTM").Attribute.Add(new global::Onnx.AttributeProto { Name = "clip", F = 3f, Type = global::Onnx.AttributeProto.Types.AttributeType.Float });

        var e = Assert.Throws<InvalidDataException>(() => OnnxRecurrentImport.ReadRecurrentStack(Serialized(model)));

        Assert.Equal("LSTM node 'rnn_l0.Y' (layer 0): 'clip' was set; it must be absent (PyTorch's modules have no such option).", e.Message);
    }

    private static MemoryStream Serialized(global::Onnx.ModelProto model)
    {
        var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void a_model_without_recurrent_nodes_is_rejected_with_its_operators_listed()
    {
        using var network = SequenceNetworkOnnxExportTests.Build(CellType.Lstm, 1, false, tokens: true, learnedInitialState: false, perStep: false, SequencePoolingMode.Last);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(SequenceNetworkOnnxExportTests.Export(network));
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "LSTM")) node.OpType = "Identity";
        using var stream = Serialized(model);

        var e = Assert.Throws<InvalidDataException>(() => OnnxRecurrentImport.ReadRecurrentStack(stream));

        Assert.StartsWith("The ONNX graph 'sequence_network': it has no LSTM, GRU or RNN node; its operators are Transpose, Gather, Shape, Cast,", e.Message);
    }
}
