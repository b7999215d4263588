using MLNet.Recurrent.Core.Layers;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;

namespace MLNet.Recurrent.Onnx.Internals;

internal sealed partial class SequenceNetworkGraph
{
    /// <summary>
    /// One ONNX recurrent node per layer. Weights go from PyTorch's layout (per direction <c>weight_ih</c>
    /// <c>[G*H, D_in]</c>, <c>weight_hh</c> <c>[G*H, H]</c>, two biases <c>[G*H]</c>, gates i,f,g,o / r,z,n) to
    /// ONNX's (<c>W [dirs, G*H, D_in]</c>, <c>R [dirs, G*H, H]</c>, <c>B [dirs, 2*G*H]</c> = [Wb | Rb], gates
    /// i,o,f,c / z,r,h). GRU uses <c>linear_before_reset = 1</c>, which is PyTorch's <c>n = tanh(W_in x + b_in + r * (W_hn h + b_hn))</c>.
    /// </summary>
    /// <returns>The top layer's output <c>[T, B, dirs*H]</c> and each layer's Y_h (and Y_c) <c>[dirs, B, H]</c>.</returns>
    private (string Top, List<string> FinalHidden, List<string> FinalCell) Recurrent(string x, string lengths, string? initialHidden, string? initialCell)
    {
        int h = _o.HiddenSize, gates = new RecurrentLayerOptions { Cell = Cell }.GateCount * h;
        bool lstm = Cell == CellType.Lstm;
        var finalHidden = new List<string>();
        var finalCell = new List<string>();
        for (int k = 0; k < _o.Layers; k++)
        {
            int inputSize = k == 0 ? _o.RecurrentInputSize : _dirs * h;
            var w = new float[_dirs * gates * inputSize];
            var r = new float[_dirs * gates * h];
            var b = new float[_dirs * 2 * gates];
            for (int d = 0; d < _dirs; d++)
            {
                string suffix = $"_l{k}{(d == 1 ? "_reverse" : "")}";
                GateOrder.ToOnnx(Cell, w.AsSpan(d * gates * inputSize, gates * inputSize), Weight($"rnn.weight_ih{suffix}"), h * inputSize);
                GateOrder.ToOnnx(Cell, r.AsSpan(d * gates * h, gates * h), Weight($"rnn.weight_hh{suffix}"), h * h);
                GateOrder.ToOnnx(Cell, b.AsSpan(d * 2 * gates, gates), Weight($"rnn.bias_ih{suffix}"), h);
                GateOrder.ToOnnx(Cell, b.AsSpan(d * 2 * gates + gates, gates), Weight($"rnn.bias_hh{suffix}"), h);
            }
            string layer = $"rnn_l{k}";
            var inputs = new List<string>
            {
                x,
                _g.Floats($"{layer}.W", w, _dirs, gates, inputSize),
                _g.Floats($"{layer}.R", r, _dirs, gates, h),
                _g.Floats($"{layer}.B", b, _dirs, 2 * gates),
                lengths,
                InitialState(initialHidden, "rnn.h0", k, $"{layer}.initial_h"),
            };
            if (lstm) inputs.Add(InitialState(initialCell, "rnn.c0", k, $"{layer}.initial_c"));
            while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);

            var attributes = new List<global::Onnx.AttributeProto>
            {
                Int("hidden_size", h),
                String("direction", _dirs == 2 ? "bidirectional" : "forward"),
            };
            if (Cell == CellType.Gru) attributes.Add(Int("linear_before_reset", 1));
            if (Cell is CellType.RnnTanh or CellType.RnnRelu)
            {
                string activation = Cell == CellType.RnnRelu ? "Relu" : "Tanh";
                attributes.Add(Strings("activations", _dirs == 2 ? [activation, activation] : [activation]));
            }
            string[] outputs = _g.Node(GateOrder.Operator(Cell), inputs, lstm ? [$"{layer}.Y", $"{layer}.Y_h", $"{layer}.Y_c"] : [$"{layer}.Y", $"{layer}.Y_h"], [.. attributes]);
            finalHidden.Add(outputs[1]);
            if (lstm) finalCell.Add(outputs[2]);
            // Y is [T, dirs, B, H]; the next layer (and the head) read [T, B, dirs*H] with [forward | reverse] features.
            string y = _g.Node("Transpose", $"{layer}.output_tbdh", [outputs[0]], Ints("perm", 0, 2, 1, 3));
            x = _g.Node("Reshape", $"{layer}.output", [y, _g.Int64Vector("shape_keep2_flatten", 0, 0, -1)]);
        }
        return (x, finalHidden, finalCell);
    }

    /// <summary>Layer k's initial state <c>[dirs, B, H]</c>: a slice of the caller's, the learned one broadcast over B, or "" (zeros).</summary>
    private string InitialState(string? supplied, string learnedName, int k, string stem)
    {
        if (supplied is not null)
        {
            return _g.Node("Slice", stem, [supplied, _g.Int64Vector("start", k * _dirs), _g.Int64Vector("end", (k + 1) * _dirs), _g.Int64Vector("axis_0", 0)]);
        }
        if (!_network.Parameters.Contains(learnedName)) return "";
        int h = _o.HiddenSize;
        ReadOnlySpan<float> rows = Weight(learnedName).Slice(k * _dirs * h, _dirs * h);
        string learned = _g.Floats($"{stem}.learned", rows, _dirs, 1, h);
        string shape = _g.Node("Concat", $"{stem}.shape", [_g.Int64Vector("dirs", _dirs), _batchShape, _g.Int64Vector("hidden", h)], Int("axis", 0));
        return _g.Node("Expand", stem, [learned, shape]);
    }

    private ReadOnlySpan<float> Weight(string name) => _network.Parameters[name].Value;
}
