using System.Text;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Onnx.Internals;
using global::Onnx;

namespace MLNet.Recurrent.Onnx;

/// <summary>
/// Reads the recurrent stack of an ONNX model, as <c>torch.onnx.export</c> writes an <c>nn.LSTM</c>, <c>nn.GRU</c>
/// or <c>nn.RNN</c> (stacked and bidirectional included), so a network trained elsewhere can be served or
/// fine-tuned here. Every <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> node of the main graph, in graph order, is one layer;
/// their weights must be constants (initializers or <c>Constant</c> nodes). Other operators are ignored.
/// </summary>
public static class OnnxRecurrentImport
{
    /// <summary>Reads the recurrent layers of the ONNX model in <paramref name="source"/> (read to its end).</summary>
    /// <param name="source">A readable stream holding an ONNX model.</param>
    /// <returns>The stack's shape and its weights in PyTorch's names, layout and gate order.</returns>
    /// <exception cref="InvalidDataException">The model has no recurrent node, mixes cells or sizes, or uses an ONNX option PyTorch's modules do not have (peepholes, clip, coupled gates, other activations, GRU with linear_before_reset = 0).</exception>
    public static OnnxRecurrentStack ReadRecurrentStack(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ModelProto model = ModelProto.Parser.ParseFrom(source);
        return Read(model.Graph ?? throw ThrowHelper.BadModelException("The ONNX model", "it has no graph"));
    }

    /// <summary>Reads the recurrent layers of the ONNX model file at <paramref name="path"/>.</summary>
    /// <param name="path">The .onnx file.</param>
    public static OnnxRecurrentStack ReadRecurrentStack(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return ReadRecurrentStack(stream);
    }

    private static OnnxRecurrentStack Read(GraphProto graph)
    {
        var nodes = graph.Node.Where(n => n.OpType is "LSTM" or "GRU" or "RNN" && n.Domain.Length == 0).ToList();
        if (nodes.Count == 0)
            ThrowHelper.BadModel($"The ONNX graph '{graph.Name}'", $"it has no LSTM, GRU or RNN node; its operators are {string.Join(", ", graph.Node.Select(n => n.OpType).Distinct())}");
        var tensors = new OnnxTensors(graph);
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        CellType? cell = null;
        int hidden = 0, dirs = 0, inputSize = 0;
        for (int k = 0; k < nodes.Count; k++)
        {
            var node = nodes[k];
            string where = $"{node.OpType} node '{node.Name}' (layer {k})";
            CellType nodeCell = CellOf(node, where);
            var (w, wDims) = Required(tensors, node, 1, "W", where);
            var (r, rDims) = Required(tensors, node, 2, "R", where);
            if (wDims.Length != 3 || rDims.Length != 3)
                ThrowHelper.BadModel(where, $"W has dimensions {ThrowHelper.Dims(wDims)} and R {ThrowHelper.Dims(rDims)}; both must be [directions, gates * hidden, columns]");
            int nodeDirs = (int)wDims[0], nodeHidden = (int)rDims[2], nodeInput = (int)wDims[2];
            int gates = new RecurrentLayerOptions { Cell = nodeCell }.GateCount;
            if (node.Attribute.FirstOrDefault(a => a.Name == "hidden_size") is { } declared && declared.I != nodeHidden)
                throw ThrowHelper.Unsupported(where, "hidden_size", declared.I.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{nodeHidden}, the last dimension of R");
            if (wDims[1] != gates * nodeHidden || rDims[0] != nodeDirs || rDims[1] != gates * nodeHidden)
                ThrowHelper.BadModel(where, $"W {ThrowHelper.Dims(wDims)} and R {ThrowHelper.Dims(rDims)} do not fit {gates} gates of hidden size {nodeHidden}");
            if (k == 0)
            {
                (cell, hidden, dirs, inputSize) = (nodeCell, nodeHidden, nodeDirs, nodeInput);
            }
            else if (nodeCell != cell || nodeHidden != hidden || nodeDirs != dirs || nodeInput != dirs * hidden)
            {
                ThrowHelper.BadModel(where,
                    $"it is a {nodeCell} of hidden size {nodeHidden}, {nodeDirs} direction(s), input size {nodeInput}; layer 0 makes it a stack of {cell} " +
                    $"of hidden size {hidden} and {dirs} direction(s), so a layer above must read {dirs * hidden} features");
            }
            float[]? b = null;
            if (node.Input.Count > 3 && node.Input[3].Length > 0)
            {
                var (bValues, bDims) = Required(tensors, node, 3, "B", where);
                if (bDims.Length != 2 || bDims[0] != dirs || bDims[1] != 2 * gates * hidden)
                    ThrowHelper.BadModel(where, $"B has dimensions {ThrowHelper.Dims(bDims)}; it must be [{dirs}, {2 * gates * hidden}]");
                b = bValues;
            }
            int gh = gates * hidden;
            for (int d = 0; d < dirs; d++)
            {
                string suffix = $"_l{k}{(d == 1 ? "_reverse" : "")}";
                weights[$"weight_ih{suffix}"] = ToTorch(nodeCell, w.AsSpan(d * gh * nodeInput, gh * nodeInput), hidden * nodeInput);
                weights[$"weight_hh{suffix}"] = ToTorch(nodeCell, r.AsSpan(d * gh * hidden, gh * hidden), hidden * hidden);
                weights[$"bias_ih{suffix}"] = b is null ? new float[gh] : ToTorch(nodeCell, b.AsSpan(d * 2 * gh, gh), hidden);
                weights[$"bias_hh{suffix}"] = b is null ? new float[gh] : ToTorch(nodeCell, b.AsSpan(d * 2 * gh + gh, gh), hidden);
            }
        }
        var options = new RecurrentLayerOptions
        {
            Cell = cell!.Value,
            InputSize = inputSize,
            HiddenSize = hidden,
            Layers = nodes.Count,
            Bidirectional = dirs == 2,
        };
        return new OnnxRecurrentStack(options, weights);
    }

    private static float[] ToTorch(CellType cell, ReadOnlySpan<float> onnx, int blockLength)
    {
        var torch = new float[onnx.Length];
        GateOrder.ToTorch(cell, torch, onnx, blockLength);
        return torch;
    }

    private static (float[] Values, long[] Dims) Required(OnnxTensors tensors, NodeProto node, int index, string role, string where)
    {
        string name = node.Input.Count > index ? node.Input[index] : "";
        if (name.Length == 0) ThrowHelper.BadModel(where, $"it has no {role} input");
        return tensors.Floats(name)
            ?? throw ThrowHelper.BadModelException(where, $"its {role} input '{name}' is computed by the graph, not stored; export with do_constant_folding=True so the weights are initializers");
    }

    /// <summary>The cell a node computes, rejecting every ONNX option PyTorch's modules cannot express.</summary>
    private static CellType CellOf(NodeProto node, string where)
    {
        string direction = "forward";
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "hidden_size":
                    break; // checked against R's shape in Read
                case "direction":
                    direction = a.S.ToStringUtf8();
                    break;
                case "linear_before_reset" when node.OpType == "GRU":
                    if (a.I != 1) throw ThrowHelper.Unsupported(where, a.Name, a.I.ToString(System.Globalization.CultureInfo.InvariantCulture), "1 (PyTorch's GRU: the reset gate multiplies W_hn h + b_hn)");
                    break;
                case "activations":
                    break;
                case "layout":
                    if (a.I != 0) throw ThrowHelper.Unsupported(where, a.Name, a.I.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 (time-major, as torch.onnx.export writes it)");
                    break;
                case "input_forget":
                    if (a.I != 0) throw ThrowHelper.Unsupported(where, a.Name, a.I.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 (separate input and forget gates)");
                    break;
                default:
                    throw ThrowHelper.Unsupported(where, a.Name, "set", "absent (PyTorch's modules have no such option)");
            }
        }
        if (direction is not ("forward" or "bidirectional"))
            throw ThrowHelper.Unsupported(where, "direction", direction, "\"forward\" or \"bidirectional\"");
        if (node.OpType == "LSTM" && node.Input.Count > 7 && node.Input[7].Length > 0)
            throw ThrowHelper.Unsupported(where, "P (peephole weights)", node.Input[7], "absent (PyTorch's LSTM has no peepholes)");
        string[] activations = node.Attribute.FirstOrDefault(a => a.Name == "activations")?.Strings.Select(s => s.ToStringUtf8()).ToArray() ?? [];
        switch (node.OpType)
        {
            case "LSTM":
                Expect(activations, ["Sigmoid", "Tanh", "Tanh"], where);
                return CellType.Lstm;
            case "GRU":
                Expect(activations, ["Sigmoid", "Tanh"], where);
                return CellType.Gru;
            default:
                string first = activations.Length == 0 ? "Tanh" : activations[0];
                Expect(activations, [first], where);
                return first switch
                {
                    "Tanh" => CellType.RnnTanh,
                    "Relu" => CellType.RnnRelu,
                    _ => throw ThrowHelper.Unsupported(where, "activations", first, "Tanh or Relu"),
                };
        }
    }

    /// <summary>Activations must be absent or repeat <paramref name="perDirection"/> once per direction (case-insensitive).</summary>
    private static void Expect(string[] activations, string[] perDirection, string where)
    {
        if (activations.Length == 0) return;
        for (int i = 0; i < activations.Length; i++)
        {
            if (!string.Equals(activations[i], perDirection[i % perDirection.Length], StringComparison.OrdinalIgnoreCase) || activations.Length % perDirection.Length != 0)
                throw ThrowHelper.Unsupported(where, "activations", string.Join(", ", activations), $"{string.Join(", ", perDirection)} per direction");
        }
    }
}
