using System.Globalization;
using System.Text.Json;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.SequenceLabeling;
using global::Onnx;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// The whole prediction of a fitted <see cref="SequenceLabelingTransformer"/> as one ONNX graph: ML.NET key values
/// to the network's ids (as the classifier's graph), the network with its per-step output layer, and then either
/// ML.NET's columns laid out <c>[B, T, ...]</c> (softmax: <c>Scores</c> and <c>PredictedLabels</c>) or the CRF's
/// emission scores and transitions (CRF: decoding stays outside the graph).
/// </summary>
internal static class LabelerGraph
{
    public static ModelProto Build(SequenceLabelingTransformer transformer)
    {
        var network = transformer.Network;
        var o = network.Options;
        var g = new OnnxGraphBuilder("sequence_labeler");
        string feature = transformer.FeatureColumnName;
        string input = o.TokenInput
            ? g.Input(feature, DataType.Int64, "batch", "steps")
            : g.Input(feature, DataType.Float, "batch", "steps", (long)o.FrameSize);
        string lengths = g.Input(OnnxTensorNames.Lengths, DataType.Int32, "batch");
        string ids = o.TokenInput ? KeyInput.ToTokenIds(g, input, transformer.Input.TokenIds!) : input;
        var values = SequenceNetworkGraph.Emit(g, network, ids, lengths, null, null);
        int k = transformer.ClassCount;

        // valid [B, T]: step t is inside row b's length. ML.NET's columns hold only the real steps; here the padding
        // steps read as zero probabilities and key 0 (missing), so nothing past a length looks like a prediction.
        string steps = g.Node("Shape", "steps", [input], Int("start", 1), Int("end", 2));
        string stepsScalar = g.Node("Squeeze", "steps_scalar", [steps, g.Int64Vector("axis_0", 0)]);
        string range = g.Node("Range", "step_index", [g.Int64Scalar("zero_int64", 0), stepsScalar, g.Int64Scalar("one_int64", 1)]);
        string lengths64 = g.Node("Cast", "lengths_int64", [lengths], Int("to", (long)DataType.Int64));
        string lengthColumn = g.Node("Unsqueeze", "lengths_column", [lengths64, g.Int64Vector("axis_1", 1)]);
        string valid = g.Node("Less", "valid_steps_bt", [range, lengthColumn]);
        string valid3 = g.Node("Unsqueeze", "valid_steps_bt1", [valid, g.Int64Vector("axis_2", 2)]);

        if (values.Probabilities is { } probabilities)
        {
            string scores = g.Node("Where", "scores", [valid3, probabilities, g.FloatScalar("zero", 0f)]);
            g.Output(scores, SequenceLabelingTransformer.ScoresColumnName, DataType.Float, "batch", "steps", (long)k);
            // The engine takes each step's largest logit (first of ties), as ArgMax does; keys are 1-based.
            string best = g.Node("ArgMax", "best_class", [values.Logits], Int("axis", 2), Int("keepdims", 0));
            string key = g.Node("Add", "predicted_key", [best, g.Int64Scalar("one_int64", 1)]);
            string labels = g.Node("Where", "predicted_labels", [valid, key, g.Int64Scalar("missing_key", 0)]);
            g.Output(labels, SequenceLabelingTransformer.PredictedLabelsColumnName, DataType.Int64, "batch", "steps");
        }
        else
        {
            // Padding steps keep the scores of zero features (the output bias), as the engine's: a decoder reads only
            // the first length steps of each row.
            g.Output(values.Logits, OnnxTensorNames.Logits, DataType.Float, "batch", "steps", (long)k);
            CrfGraph.AddTransitionOutputs(g, network);
            string marginals = CrfGraph.Marginals(g, network, values.Logits, lengthColumn, steps);
            g.Output(marginals, SequenceLabelingTransformer.ScoresColumnName, DataType.Float, "batch", "steps", (long)k);
            string tags = CrfGraph.Viterbi(g, network, values.Logits, lengthColumn, steps);
            string key = g.Node("Add", "predicted_key", [tags, g.Int64Scalar("one_int64", 1)]);
            string labels = g.Node("Where", "predicted_labels", [valid, key, g.Int64Scalar("missing_key", 0)]);
            g.Output(labels, SequenceLabelingTransformer.PredictedLabelsColumnName, DataType.Int64, "batch", "steps");
        }

        var metadata = OnnxModels.NetworkMetadata(o);
        metadata["mlnet_recurrent.output_layer"] = o.OutputLayer.ToString();
        metadata["mlnet_recurrent.class_names"] = JsonSerializer.Serialize(transformer.ClassNames);
        metadata["mlnet_recurrent.feature_column"] = feature;
        metadata["mlnet_recurrent.token_key_count"] = transformer.Input.KeyCount.ToString(CultureInfo.InvariantCulture);
        return g.ToModel("MLNet.Recurrent sequence labeler", metadata);
    }
}
