using MLNet.Recurrent.Core.Layers;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Onnx.Internals;

internal sealed partial class SequenceNetworkGraph
{
    /// <summary>Pools <paramref name="top"/> <c>[T, B, F]</c> to <c>[B, F]</c> over each sequence's steps, then Gemm and Softmax.</summary>
    private (string Logits, string Probabilities) PooledHead(string top, List<string> finalHidden)
    {
        string pooled;
        switch (Pooling)
        {
            case SequencePoolingMode.Last:
                // The top layer's Y_h is the forward direction at each sequence's last step and the reverse one at
                // t = 0: exactly the engine's bidirectional "last".
                string perBatch = _g.Node("Transpose", "last_bdh", [finalHidden[^1]], Ints("perm", 1, 0, 2));
                pooled = _g.Node("Reshape", "last", [perBatch, _g.Int64Vector("shape_keep1_flatten", 0, -1)]);
                break;
            case SequencePoolingMode.Mean:
                string sum = _g.Node("ReduceSum", "step_sum", [Masked(top, 0f, "masked_output"), _g.Int64Vector("axis_0", 0)], Int("keepdims", 0));
                string count = _g.Node("Cast", "lengths_float", [_lengths64], Int("to", (long)global::Onnx.TensorProto.Types.DataType.Float));
                string atLeastOne = _g.Node("Max", "lengths_at_least_one", [count, _g.FloatScalar("one", 1f)]);
                string divisor = _g.Node("Unsqueeze", "lengths_column", [atLeastOne, _g.Int64Vector("axis_1", 1)]);
                pooled = _g.Node("Div", "mean", [sum, divisor]);
                break;
            default:
                string filled = Masked(top, float.NegativeInfinity, "masked_output");
                pooled = _g.Node("ReduceMax", "max", [filled], Ints("axes", 0), Int("keepdims", 0));
                break;
        }
        pooled = ZeroEmpty(pooled);
        var weight = _network.Parameters["output.weight"];
        var bias = _network.Parameters["output.bias"];
        int k = _o.OutputSize, f = _network.RecurrentOutputSize;
        string logits = _g.Node("Gemm", "logits",
            [pooled, _g.Floats("output.weight", weight.Value, k, f), _g.Floats("output.bias", bias.Value, k)], Int("transB", 1));
        return (logits, _g.Node("Softmax", "probabilities", [logits], Int("axis", -1)));
    }

    /// <summary>
    /// The output layer at every step: <c>[B, T, K]</c> logits and probabilities (steps past a length see zero
    /// features, as in the engine); a CRF's logits are its emission scores and it has no softmax.
    /// </summary>
    private (string Logits, string? Probabilities) PerStepHead(string top)
    {
        string features = _g.Node("Transpose", "features_btf", [Masked(top, 0f, "masked_output")], Ints("perm", 1, 0, 2));
        int k = _o.OutputSize, f = _network.RecurrentOutputSize;
        ReadOnlySpan<float> w = _network.Parameters["output.weight"].Value;
        var transposed = new float[f * k];
        for (int row = 0; row < k; row++)
            for (int col = 0; col < f; col++) transposed[col * k + row] = w[row * f + col];
        string product = _g.Node("MatMul", "logits_unbiased", [features, _g.Floats("output.weight_transposed", transposed, f, k)]);
        string logits = _g.Node("Add", "logits", [product, _g.Floats("output.bias", _network.Parameters["output.bias"].Value, k)]);
        if (_o.OutputLayer == SequenceOutputLayer.Crf) return (logits, null);
        return (logits, _g.Node("Softmax", "probabilities", [logits], Int("axis", -1)));
    }
}
