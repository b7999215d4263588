using System.Runtime.InteropServices;
using global::Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>Reads constant tensors of a parsed ONNX graph: initializers and the outputs of <c>Constant</c> nodes.</summary>
internal sealed class OnnxTensors
{
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);

    public OnnxTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) _constants[t.Name] = t;
        foreach (var node in graph.Node)
        {
            if (node.OpType != "Constant" || node.Output.Count != 1) continue;
            var value = node.Attribute.FirstOrDefault(a => a.Name == "value");
            if (value?.T is { } t) _constants[node.Output[0]] = t;
        }
    }

    /// <summary>The float tensor called <paramref name="name"/>, with its dimensions, or null when it is not a constant.</summary>
    public (float[] Values, long[] Dims)? Floats(string name)
    {
        if (!_constants.TryGetValue(name, out var t)) return null;
        if (t.DataType != (int)DataType.Float)
            ThrowHelper.BadModel($"Tensor '{name}'", $"it has ONNX data type {(DataType)t.DataType}; recurrent weights must be float (32-bit)");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            ThrowHelper.BadModel($"Tensor '{name}'", "it is stored in an external file; export the model with its weights inside (torch.onnx.export does for models under 2 GB)");
        long count = 1;
        foreach (long d in t.Dims) count *= d;
        float[] values = t.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray()
            : [.. t.FloatData];
        if (values.Length != count)
            ThrowHelper.BadModel($"Tensor '{name}'", $"it holds {values.Length} values for dimensions {ThrowHelper.Dims(t.Dims)}");
        return (values, [.. t.Dims]);
    }
}
