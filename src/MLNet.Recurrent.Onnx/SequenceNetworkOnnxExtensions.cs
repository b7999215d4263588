using System.Text;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Onnx.Internals;

namespace MLNet.Recurrent.Onnx;

using CharLanguageModel = MLNet.Recurrent.Core.Models.CharLanguageModel;

/// <summary>
/// ONNX export of the engine's networks (no ML.NET needed): standard <c>Gather</c>, <c>LSTM</c>/<c>GRU</c>/<c>RNN</c>,
/// pooling, <c>Gemm</c>/<c>MatMul</c> and <c>Softmax</c> operators, opset 17, batch-major inputs with a symbolic batch
/// size and sequence length, variable lengths through <see cref="OnnxTensorNames.Lengths"/>. ONNX Runtime computes
/// the same outputs as <see cref="SequenceNetwork.Predict"/> (to about 1e-6).
/// </summary>
public static class SequenceNetworkOnnxExtensions
{
    /// <summary>
    /// Writes <paramref name="network"/> as an ONNX model. Inputs: <see cref="OnnxTensorNames.Tokens"/> (int64
    /// <c>[B, T]</c>) or <see cref="OnnxTensorNames.Frames"/> (float <c>[B, T, D]</c>), and
    /// <see cref="OnnxTensorNames.Lengths"/> (int32 <c>[B]</c>). Outputs: <see cref="OnnxTensorNames.Logits"/> and
    /// <see cref="OnnxTensorNames.Probabilities"/>, <c>[B, K]</c> (pooled) or <c>[B, T, K]</c> (per step).
    /// Dropout is inference's (none). A CRF output layer gives no probabilities: its logits are the per-step emission
    /// scores, written with the constant outputs <see cref="OnnxTensorNames.CrfTransitions"/>,
    /// <see cref="OnnxTensorNames.CrfStartTransitions"/> and <see cref="OnnxTensorNames.CrfEndTransitions"/>, and
    /// Viterbi decoding (<see cref="Core.Layers.LinearChainCrf.Decode"/>) runs outside the graph.
    /// </summary>
    /// <param name="network">The network; its current weights are written.</param>
    /// <param name="destination">A writable stream; the model is written at its position and it is left open.</param>
    /// <param name="stateInputs">
    /// Also take <see cref="OnnxTensorNames.InitialHidden"/> (and for LSTM <see cref="OnnxTensorNames.InitialCell"/>)
    /// and return <see cref="OnnxTensorNames.FinalHidden"/> (and <see cref="OnnxTensorNames.FinalCell"/>), so a
    /// caller can carry the state across calls (streaming generation); the given state replaces a learned one.
    /// </param>
    /// <exception cref="NotSupportedException">
    /// The network has character-level word features (<see cref="SequenceNetworkOptions.CharacterVocabularySize"/> &gt; 0),
    /// which the export does not include.
    /// </exception>
    public static void ExportToOnnx(this SequenceNetwork network, Stream destination, bool stateInputs = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        var model = OnnxModels.Network(network, stateInputs, "MLNet.Recurrent sequence network", OnnxModels.NetworkMetadata(network.Options));
        OnnxModels.Write(model, destination);
    }

    /// <summary>
    /// Writes a character model's network as an ONNX model with carried state (see
    /// <see cref="ExportToOnnx(SequenceNetwork, Stream, bool)"/> with <c>stateInputs: true</c>): per-step
    /// <c>[B, T, V]</c> next-character probabilities. The metadata holds what turns text into ids:
    /// <c>mlnet_recurrent.vocabulary</c> (the symbols in id order, concatenated: id i is the i-th Unicode scalar),
    /// <c>mlnet_recurrent.unknown_id</c> and <c>mlnet_recurrent.separator</c> (its first character primes an empty prompt).
    /// </summary>
    /// <param name="model">The character model.</param>
    /// <param name="destination">A writable stream; the model is written at its position and it is left open.</param>
    public static void ExportToOnnx(this CharLanguageModel model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        var metadata = OnnxModels.NetworkMetadata(model.Network.Options);
        var symbols = new StringBuilder();
        foreach (var rune in model.Vocabulary.Symbols) symbols.Append(rune.ToString());
        metadata["mlnet_recurrent.vocabulary"] = symbols.ToString();
        metadata["mlnet_recurrent.unknown_id"] = model.Vocabulary.UnknownId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata["mlnet_recurrent.separator"] = model.Separator;
        OnnxModels.Write(OnnxModels.Network(model.Network, stateInputs: true, "MLNet.Recurrent character language model", metadata), destination);
    }
}
