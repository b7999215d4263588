using Google.Protobuf;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using global::Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>Whole exported models: a network with its standard inputs and outputs, and writing a model to a stream.</summary>
internal static class OnnxModels
{
    /// <summary>
    /// <see cref="OnnxTensorNames.Tokens"/> or <see cref="OnnxTensorNames.Frames"/> and <see cref="OnnxTensorNames.Lengths"/>
    /// in; logits and probabilities out; with <paramref name="stateInputs"/>, initial states in and final states out.
    /// </summary>
    public static ModelProto Network(SequenceNetwork network, bool stateInputs, string docString, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var o = network.Options;
        var g = new OnnxGraphBuilder("sequence_network");
        var (type, dims) = SequenceNetworkGraph.InputType(o);
        string input = g.Input(o.TokenInput ? OnnxTensorNames.Tokens : OnnxTensorNames.Frames, type, dims);
        string lengths = g.Input(OnnxTensorNames.Lengths, DataType.Int32, "batch");
        bool lstm = o.Cell == CellType.Lstm;
        object[] stateDims = [(long)(o.Layers * (o.Bidirectional ? 2 : 1)), "batch", (long)o.HiddenSize];
        string? h0 = stateInputs ? g.Input(OnnxTensorNames.InitialHidden, DataType.Float, stateDims) : null;
        string? c0 = stateInputs && lstm ? g.Input(OnnxTensorNames.InitialCell, DataType.Float, stateDims) : null;
        var values = SequenceNetworkGraph.Emit(g, network, input, lengths, h0, c0);
        object[] outDims = o.PerStepOutput ? ["batch", "steps", (long)o.OutputSize] : ["batch", (long)o.OutputSize];
        g.Output(values.Logits, OnnxTensorNames.Logits, DataType.Float, outDims);
        if (values.Probabilities is { } probabilities) g.Output(probabilities, OnnxTensorNames.Probabilities, DataType.Float, outDims);
        else CrfGraph.AddTransitionOutputs(g, network);
        if (o.OutputLayer == SequenceOutputLayer.Crf) metadata = metadata.Append(new("mlnet_recurrent.output_layer", "Crf"));
        if (stateInputs)
        {
            g.Output(values.FinalHidden, OnnxTensorNames.FinalHidden, DataType.Float, stateDims);
            if (lstm) g.Output(values.FinalCell!, OnnxTensorNames.FinalCell, DataType.Float, stateDims);
        }
        return g.ToModel(docString, metadata);
    }

    /// <summary>Metadata every exported network carries: its shape, so a reader can check what it got.</summary>
    public static Dictionary<string, string> NetworkMetadata(SequenceNetworkOptions o) => new()
    {
        ["mlnet_recurrent.cell"] = o.Cell.ToString(),
        ["mlnet_recurrent.hidden_size"] = o.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["mlnet_recurrent.layers"] = o.Layers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["mlnet_recurrent.bidirectional"] = o.Bidirectional ? "true" : "false",
        ["mlnet_recurrent.pooling"] = o.PerStepOutput ? "per-step" : o.Pooling.ToString(),
    };

    /// <summary>Writes <paramref name="model"/> in ONNX's protobuf encoding.</summary>
    public static void Write(ModelProto model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) ThrowHelper.Argument(nameof(destination), "was a read-only stream; the ONNX model must be written to a writable one");
        model.WriteTo(destination);
    }
}
