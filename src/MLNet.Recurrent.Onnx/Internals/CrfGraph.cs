using MLNet.Recurrent.Core.Models;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// The CRF output layer's learned scores as graph outputs (constants), so a caller can decode the exported emission
/// scores with the model's own transitions: <see cref="OnnxTensorNames.CrfTransitions"/> <c>[K, K]</c> (row: previous
/// tag, column: next tag), <see cref="OnnxTensorNames.CrfStartTransitions"/> and
/// <see cref="OnnxTensorNames.CrfEndTransitions"/> <c>[K]</c>, as <c>LinearChainCrf</c> names and lays them out.
/// </summary>
internal static class CrfGraph
{
    public static void AddTransitionOutputs(OnnxGraphBuilder g, SequenceNetwork network)
    {
        int k = network.Options.OutputSize;
        ReadOnlySpan<float> Weight(string name) => network.Parameters[name].Value;
        g.Output(g.Floats("crf.transitions", Weight("crf.transitions"), k, k), OnnxTensorNames.CrfTransitions, DataType.Float, (long)k, (long)k);
        g.Output(g.Floats("crf.start_transitions", Weight("crf.start_transitions"), k), OnnxTensorNames.CrfStartTransitions, DataType.Float, (long)k);
        g.Output(g.Floats("crf.end_transitions", Weight("crf.end_transitions"), k), OnnxTensorNames.CrfEndTransitions, DataType.Float, (long)k);
    }
}
