using System.Globalization;
using System.Text.Json;
using MLNet.Recurrent.SequenceClassification;
using global::Onnx;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// The whole prediction of a fitted <see cref="SequenceClassificationTransformer"/> as one ONNX graph: ML.NET key
/// values to the network's ids (the token map learned at training, unknown keys to id 0), the length cap, the
/// network, and ML.NET's output columns (Score and PredictedLabel; Score, Probability and PredictedLabel for a
/// Boolean label).
/// </summary>
internal static class ClassifierGraph
{
    public static ModelProto Build(SequenceClassificationTransformer transformer)
    {
        var network = transformer.Network;
        var o = network.Options;
        if (transformer.SideColumnName is { } side)
            ThrowHelper.Argument(nameof(transformer), $"reads the side input column '{side}' ({transformer.SideInputSize} slots), which the ONNX export does not carry yet; export a classifier trained without SideColumnName");
        if (transformer.Temperature != 1f)
            ThrowHelper.Argument(nameof(transformer), $"has a fitted temperature of {transformer.Temperature.ToString(CultureInfo.InvariantCulture)}, which the ONNX export does not apply yet; export a classifier trained without TemperatureScaling");
        var g = new OnnxGraphBuilder("sequence_classifier");
        string feature = transformer.FeatureColumnName;
        string input = o.TokenInput
            ? g.Input(feature, DataType.Int64, "batch", "steps")
            : g.Input(feature, DataType.Float, "batch", "steps", (long)o.FrameSize);
        string lengths = g.Input(OnnxTensorNames.Lengths, DataType.Int32, "batch");

        if (transformer.MaxSequenceLength > 0)
        {
            long max = transformer.MaxSequenceLength;
            input = g.Node("Slice", "truncated", [input, g.Int64Vector("start", 0), g.Int64Vector("end", max), g.Int64Vector("axis_1", 1)]);
            lengths = g.Node("Min", "truncated_lengths", [lengths, g.Int32Scalar("max_length", checked((int)max))]);
        }
        if (o.TokenInput)
        {
            input = KeyInput.ToTokenIds(g, input, transformer.Input.TokenIds!);
        }
        var values = SequenceNetworkGraph.Emit(g, network, input, lengths, null, null);
        int classes = transformer.ClassCount;
        if (transformer.IsBinary)
        {
            string z0 = g.Node("Gather", "logit_false", [values.Logits, g.Int64Scalar("class_0", 0)], Int("axis", 1));
            string z1 = g.Node("Gather", "logit_true", [values.Logits, g.Int64Scalar("class_1", 1)], Int("axis", 1));
            string p0 = g.Node("Gather", "probability_false", [values.Probabilities!, g.Int64Scalar("class_0", 0)], Int("axis", 1));
            string p1 = g.Node("Gather", "probability_true", [values.Probabilities!, g.Int64Scalar("class_1", 1)], Int("axis", 1));
            g.Output(g.Node("Sub", "log_odds", [z1, z0]), SequenceClassificationTransformer.ScoreColumnName, DataType.Float, "batch");
            g.Output(p1, SequenceClassificationTransformer.ProbabilityColumnName, DataType.Float, "batch");
            g.Output(g.Node("Greater", "predicted_true", [p1, p0]), SequenceClassificationTransformer.PredictedLabelColumnName, DataType.Bool, "batch");
        }
        else
        {
            g.Output(values.Probabilities!, SequenceClassificationTransformer.ScoreColumnName, DataType.Float, "batch", (long)classes);
            // ML.NET keys are 1-based; ArgMax keeps the first of tied classes, as the transformer does.
            string best = g.Node("ArgMax", "best_class", [values.Probabilities!], Int("axis", 1), Int("keepdims", 0));
            g.Output(g.Node("Add", "predicted_key", [best, g.Int64Scalar("one_int64", 1)]), SequenceClassificationTransformer.PredictedLabelColumnName, DataType.Int64, "batch");
        }

        var metadata = OnnxModels.NetworkMetadata(o);
        metadata["mlnet_recurrent.class_names"] = JsonSerializer.Serialize(transformer.ClassNames);
        metadata["mlnet_recurrent.feature_column"] = feature;
        metadata["mlnet_recurrent.token_key_count"] = transformer.TokenKeyCount.ToString(CultureInfo.InvariantCulture);
        metadata["mlnet_recurrent.max_sequence_length"] = transformer.MaxSequenceLength.ToString(CultureInfo.InvariantCulture);
        return g.ToModel("MLNet.Recurrent sequence classifier", metadata);
    }
}
