using System.Runtime.InteropServices;
using Google.Protobuf;
using global::Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// Builds one ONNX graph node by node: weights become initializers, every intermediate value gets a unique name
/// from its role, and the model is stamped with one opset. Knows ONNX's messages, not our networks.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The default-domain opset every exported model declares (LSTM/GRU/RNN 14, Softmax 13, ReduceMax with an axes attribute).</summary>
    public const long Opset = 17;

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names;

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name)
    {
        _graph.Name = name;
        _names = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Starts the body of a <c>Scan</c> or <c>Loop</c> node of <paramref name="outer"/>: names are unique across
    /// both graphs, because ONNX lets a body see (and forbids it to shadow) the outer graph's values.
    /// </summary>
    public OnnxGraphBuilder(string name, OnnxGraphBuilder outer)
    {
        _graph.Name = name;
        _names = outer._names;
    }

    /// <summary>The graph built so far, for a graph attribute (<see cref="Graph"/>).</summary>
    public GraphProto ToGraph() => _graph;

    /// <summary>A graph attribute (the body of Scan or Loop).</summary>
    public static AttributeProto Graph(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    /// <summary>A name not used yet in this graph: <paramref name="stem"/>, or <paramref name="stem"/>_2, _3, ...</summary>
    public string Unique(string stem)
    {
        string name = stem;
        for (int i = 2; !_names.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }

    /// <summary>Declares a graph input of element type <paramref name="type"/>; a dimension is a size (long) or a symbolic name (string).</summary>
    public string Input(string name, DataType type, params object[] dims)
    {
        _names.Add(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> a graph output under <paramref name="name"/> (an Identity node renames it when they differ).</summary>
    public string Output(string value, string name, DataType type, params object[] dims)
    {
        if (value != name)
        {
            if (!_names.Add(name)) ThrowHelper.Internal($"Graph output '{name}' is already the name of another value.");
            _graph.Node.Add(MakeNode("Identity", [value], [name]));
        }
        _graph.Output.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>A float initializer.</summary>
    public string Floats(string stem, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(stem, DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>An int64 initializer.</summary>
    public string Int64s(string stem, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(stem, DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>A scalar int32 initializer.</summary>
    public string Int32Scalar(string stem, int value) =>
        Initializer(stem, DataType.Int32, MemoryMarshal.AsBytes((ReadOnlySpan<int>)[value]), 1, []);

    /// <summary>A one-dimensional int64 initializer holding <paramref name="values"/>.</summary>
    public string Int64Vector(string stem, params long[] values) => Int64s(stem, values, values.Length);

    /// <summary>A scalar float initializer.</summary>
    public string FloatScalar(string stem, float value) => Floats(stem, [value]);

    /// <summary>A scalar int64 initializer.</summary>
    public string Int64Scalar(string stem, long value) => Int64s(stem, [value]);

    /// <summary>Adds a node with one output named from <paramref name="stem"/>; returns that output.</summary>
    public string Node(string opType, string stem, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, [stem], attributes)[0];

    /// <summary>Adds a node whose outputs are named from <paramref name="stems"/> (an empty stem leaves that output unused); returns the output names.</summary>
    public string[] Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> stems, params AttributeProto[] attributes)
    {
        var outputs = new string[stems.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = stems[i].Length == 0 ? "" : Unique(stems[i]);
        _graph.Node.Add(MakeNode(opType, inputs, outputs, attributes));
        return outputs;
    }

    /// <summary>An int attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An ints attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>A string attribute.</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A strings attribute.</summary>
    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (string v in values) a.Strings.Add(ByteString.CopyFromUtf8(v));
        return a;
    }

    /// <summary>A float-tensor attribute (for ConstantOfShape's value).</summary>
    public static AttributeProto FloatTensor(string name, float value)
    {
        var t = new TensorProto { DataType = (int)DataType.Float };
        t.Dims.Add(1);
        t.FloatData.Add(value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };
    }

    /// <summary>The finished model: IR version 8, the default-domain <see cref="Opset"/>, the given metadata.</summary>
    public ModelProto ToModel(string docString, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "MLNet.Recurrent",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private string Initializer(string stem, DataType type, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        long product = 1;
        foreach (long d in dims) product *= d;
        if (product != count) ThrowHelper.Internal($"Initializer '{stem}' has {count} values for dimensions {ThrowHelper.Dims(dims)}.");
        var t = new TensorProto { Name = Unique(stem), DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.Add(dims);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    private static NodeProto MakeNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = outputs.FirstOrDefault(o => o.Length > 0) ?? opType };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
