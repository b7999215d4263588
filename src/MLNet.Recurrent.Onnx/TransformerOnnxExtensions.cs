using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Onnx.Internals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling;

namespace MLNet.Recurrent.Onnx;

/// <summary>
/// ONNX export of fitted MLNet.Recurrent transformers, for serving in ONNX Runtime (any platform, CPU or GPU)
/// without ML.NET. The graph starts where the transformer starts: text preparation earlier in the ML.NET pipeline
/// (tokenizing, <c>MapValueToKey</c>) is not part of it, see each method. Not hooked into
/// <c>mlContext.Model.ConvertToOnnx</c>; README "Scale" says why.
/// </summary>
public static class TransformerOnnxExtensions
{
    /// <summary>
    /// Writes the classifier as an ONNX model. Inputs: the feature column, named as in ML.NET
    /// (<see cref="SequenceClassificationTransformer.FeatureColumnName"/>): int64 <c>[B, T]</c> raw key values
    /// (1..N as ML.NET stores them, 0 for a missing key, padding any value) or float <c>[B, T, D]</c> frames; and
    /// <see cref="OnnxTensorNames.Lengths"/>, int32 <c>[B]</c>. Rows longer than
    /// <see cref="SequenceClassificationTransformer.MaxSequenceLength"/> are cut as in ML.NET. Outputs, as ML.NET's
    /// columns: multiclass <c>Score</c> (float <c>[B, K]</c> probabilities) and <c>PredictedLabel</c> (int64
    /// <c>[B]</c>, the 1-based key); binary <c>Score</c> (log-odds), <c>Probability</c> (float <c>[B]</c>) and
    /// <c>PredictedLabel</c> (bool <c>[B]</c>). The metadata holds the class names in key order
    /// (<c>mlnet_recurrent.class_names</c>, a JSON array). Turning text into keys stays with the ML.NET pipeline
    /// (or the caller): ONNX has no counterpart of ML.NET's key-value dictionary here.
    /// </summary>
    /// <param name="transformer">A fitted (or loaded) classifier.</param>
    /// <param name="destination">A writable stream; the model is written at its position and it is left open.</param>
    public static void ExportToOnnx(this SequenceClassificationTransformer transformer, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(destination);
        OnnxModels.Write(ClassifierGraph.Build(transformer), destination);
    }

    /// <summary>
    /// Writes the labeller as an ONNX model. Inputs, as for the classifier: the feature column named as in ML.NET
    /// (<see cref="SequenceLabelingTransformer.FeatureColumnName"/>), int64 <c>[B, T]</c> raw key values (1..N, 0 for a
    /// missing key) or float <c>[B, T, D]</c> frames, and <see cref="OnnxTensorNames.Lengths"/>, int32 <c>[B]</c>.
    /// Outputs, as ML.NET's columns but with a batch and step axis: <c>Scores</c> float <c>[B, T, K]</c> (each
    /// step's class probabilities) and <c>PredictedLabels</c> int64 <c>[B, T]</c> (1-based keys); steps past a row's
    /// length hold zeros and key 0. A CRF labeller (<c>OutputLayer = Crf</c>) computes them in the graph as ML.NET
    /// does: <c>PredictedLabels</c> is the Viterbi path and <c>Scores</c> the forward-backward marginals (each two
    /// <c>Scan</c> nodes); it also gives its per-step emission scores, <see cref="OnnxTensorNames.Logits"/> float
    /// <c>[B, T, K]</c> (past a row's length: padding, to be ignored), and its learned
    /// <see cref="OnnxTensorNames.CrfTransitions"/>, <see cref="OnnxTensorNames.CrfStartTransitions"/> and
    /// <see cref="OnnxTensorNames.CrfEndTransitions"/>, for a caller that decodes differently (n-best, constraints).
    /// A call needs at least one step (T &gt;= 1); rows may be empty. The metadata holds the class names in key
    /// order (<c>mlnet_recurrent.class_names</c>).
    /// </summary>
    /// <param name="transformer">A fitted (or loaded) labeller.</param>
    /// <param name="destination">A writable stream; the model is written at its position and it is left open.</param>
    public static void ExportToOnnx(this SequenceLabelingTransformer transformer, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(destination);
        OnnxModels.Write(LabelerGraph.Build(transformer), destination);
    }

    /// <summary>
    /// Writes the character model's network as an ONNX model with carried state; see
    /// <see cref="SequenceNetworkOnnxExtensions.ExportToOnnx(Core.Models.CharLanguageModel, Stream)"/> for its inputs,
    /// outputs and the vocabulary in its metadata. Scoring a text is a sum of log-probabilities of each next
    /// character; generation feeds <see cref="OnnxTensorNames.FinalHidden"/> back as
    /// <see cref="OnnxTensorNames.InitialHidden"/> one character at a time.
    /// </summary>
    /// <param name="transformer">A fitted (or loaded) character model.</param>
    /// <param name="destination">A writable stream; the model is written at its position and it is left open.</param>
    public static void ExportToOnnx(this CharLanguageModelTransformer transformer, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        transformer.LanguageModel.ExportToOnnx(destination);
    }
}
