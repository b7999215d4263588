using MLNet.Recurrent.Core.Models;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// The CRF output layer's learned scores as graph outputs (constants), so a caller can decode the exported emission
/// scores with the model's own transitions: <see cref="OnnxTensorNames.CrfTransitions"/> <c>[K, K]</c> (row: previous
/// tag, column: next tag), <see cref="OnnxTensorNames.CrfStartTransitions"/> and
/// <see cref="OnnxTensorNames.CrfEndTransitions"/> <c>[K]</c>, as <c>LinearChainCrf</c> names and lays them out;
/// and Viterbi decoding in the graph, two <c>Scan</c> nodes (see <see cref="Viterbi"/>).
/// </summary>
internal static partial class CrfGraph
{
    public static void AddTransitionOutputs(OnnxGraphBuilder g, SequenceNetwork network)
    {
        int k = network.Options.OutputSize;
        ReadOnlySpan<float> Weight(string name) => network.Parameters[name].Value;
        g.Output(g.Floats("crf.transitions", Weight("crf.transitions"), k, k), OnnxTensorNames.CrfTransitions, DataType.Float, (long)k, (long)k);
        g.Output(g.Floats("crf.start_transitions", Weight("crf.start_transitions"), k), OnnxTensorNames.CrfStartTransitions, DataType.Float, (long)k);
        g.Output(g.Floats("crf.end_transitions", Weight("crf.end_transitions"), k), OnnxTensorNames.CrfEndTransitions, DataType.Float, (long)k);
    }

    /// <summary>
    /// Each sequence's highest-scoring tag path, as <c>LinearChainCrf.Decode</c> finds it (ties to the lower tag).
    /// A forward <c>Scan</c> over the steps carries <c>delta [B, K]</c>, the best score of a path ending in each tag
    /// (<c>start + e_0</c> at step 0, <c>max_i(delta_i + A[i, k]) + e_t</c> after), and emits the back pointers; a
    /// step past a row's length keeps its delta and points every tag at itself, so the backward <c>Scan</c>, which
    /// starts at the last step from <c>argmax(delta + end)</c>, carries each row's last tag back unchanged to its
    /// last real step and follows the back pointers from there. ONNX Runtime cannot scan zero steps, so both scans
    /// run over one extra padding step at the end (T + 1 steps, at least one), whose tag is cut off.
    /// </summary>
    /// <param name="g">The graph being built.</param>
    /// <param name="network">A network with a CRF output layer.</param>
    /// <param name="emissions">Float <c>[B, T, K]</c>.</param>
    /// <param name="lengthColumn">Int64 <c>[B, 1]</c>: each row's length.</param>
    /// <param name="steps">Int64 <c>[1]</c>: T.</param>
    /// <returns>Int64 <c>[B, T]</c> zero-based tags; past a row's length, meaningless.</returns>
    public static string Viterbi(OnnxGraphBuilder g, SequenceNetwork network, string emissions, string lengthColumn, string steps)
    {
        int k = network.Options.OutputSize;
        ReadOnlySpan<float> Weight(string name) => network.Parameters[name].Value;
        var identity = new long[k];
        for (int i = 0; i < k; i++) identity[i] = i;

        // Forward: state delta [B, K]; per step e_t [B, K], valid_t [B], first_t (t == 0).
        var fwd = new OnnxGraphBuilder("viterbi_forward", g);
        string delta = fwd.Input(fwd.Unique("viterbi.delta"), DataType.Float, "batch", (long)k);
        string e = fwd.Input(fwd.Unique("viterbi.e_t"), DataType.Float, "batch", (long)k);
        string v = fwd.Input(fwd.Unique("viterbi.valid_t"), DataType.Bool, "batch");
        string first = fwd.Input(fwd.Unique("viterbi.first_t"), DataType.Bool);
        string scores = fwd.Node("Add", "viterbi.scores", [fwd.Node("Unsqueeze", "viterbi.delta_column", [delta, fwd.Int64Vector("viterbi.axis_2", 2)]), fwd.Floats("viterbi.transitions", Weight("crf.transitions"), k, k)]);
        string best = fwd.Node("ReduceMax", "viterbi.best", [scores], Ints("axes", 1), Int("keepdims", 0));
        string back = fwd.Node("ArgMax", "viterbi.back", [scores], Int("axis", 1), Int("keepdims", 0));
        string later = fwd.Node("Add", "viterbi.later", [best, e]);
        string start = fwd.Node("Add", "viterbi.start", [fwd.Floats("viterbi.start_transitions", Weight("crf.start_transitions"), k), e]);
        string next = fwd.Node("Where", "viterbi.next", [first, start, later]);
        string column = fwd.Node("Unsqueeze", "viterbi.valid_column", [v, fwd.Int64Vector("viterbi.axis_1", 1)]);
        fwd.Output(fwd.Node("Where", "viterbi.delta_out", [column, next, delta]), "viterbi.delta_next", DataType.Float, "batch", (long)k);
        fwd.Output(fwd.Node("Where", "viterbi.back_out", [column, back, fwd.Int64s("viterbi.identity", identity, k)]), "viterbi.back_t", DataType.Int64, "batch", (long)k);

        string padded = g.Node("Pad", "viterbi.emissions_padded", [emissions, g.Int64Vector("viterbi.pads", 0, 0, 0, 0, 1, 0)]);
        string stepsPadded = g.Node("Squeeze", "viterbi.steps_padded", [g.Node("Add", "viterbi.steps_plus_one", [steps, g.Int64Vector("one", 1)]), g.Int64Vector("axis_0", 0)]);
        string stepIndex = g.Node("Range", "viterbi.step_index", [g.Int64Scalar("zero_int64", 0), stepsPadded, g.Int64Scalar("one_int64", 1)]);
        string valid = g.Node("Less", "viterbi.valid", [stepIndex, lengthColumn]);
        string shape = g.Node("Concat", "viterbi.delta0_shape", [g.Node("Slice", "viterbi.batch", [g.Node("Shape", "viterbi.emissions_shape", [emissions]), g.Int64Vector("start", 0), g.Int64Vector("end", 1)]), g.Int64Vector("classes", k)], Int("axis", 0));
        string delta0 = g.Node("ConstantOfShape", "viterbi.delta0", [shape], FloatTensor("value", 0f));
        string firstFlags = g.Node("Equal", "viterbi.first_flags", [stepIndex, g.Int64Scalar("zero_int64", 0)]);
        string[] forward = g.Node("Scan", [delta0, padded, valid, firstFlags], ["viterbi.delta_last", "viterbi.back_pointers"],
            Graph("body", fwd.ToGraph()), Int("num_scan_inputs", 3), Ints("scan_input_axes", 1, 1, 0), Ints("scan_output_axes", 1));
        string final = g.Node("Add", "viterbi.final", [forward[0], g.Floats("viterbi.end_transitions", Weight("crf.end_transitions"), k)]);
        string last = g.Node("ArgMax", "viterbi.last_tag", [final], Int("axis", 1), Int("keepdims", 0));

        // Backward over steps T..0: state the tag at step t; emits it and moves to back_t[tag], the tag at t - 1.
        var bwd = new OnnxGraphBuilder("viterbi_backward", g);
        string tag = bwd.Input(bwd.Unique("viterbi.tag"), DataType.Int64, "batch");
        string pointers = bwd.Input(bwd.Unique("viterbi.pointers_t"), DataType.Int64, "batch", (long)k);
        string index = bwd.Node("Unsqueeze", "viterbi.tag_column", [tag, bwd.Int64Vector("viterbi.axis_1", 1)]);
        string previous = bwd.Node("GatherElements", "viterbi.previous_column", [pointers, index], Int("axis", 1));
        bwd.Output(bwd.Node("Squeeze", "viterbi.previous", [previous, bwd.Int64Vector("viterbi.axis_1", 1)]), "viterbi.tag_previous", DataType.Int64, "batch");
        bwd.Output(bwd.Node("Identity", "viterbi.tag_emitted", [tag]), "viterbi.tag_t", DataType.Int64, "batch");

        string[] backward = g.Node("Scan", [last, forward[1]], ["viterbi.tag_before_start", "viterbi.tags_padded"],
            Graph("body", bwd.ToGraph()), Int("num_scan_inputs", 1), Ints("scan_input_axes", 1), Ints("scan_input_directions", 1),
            Ints("scan_output_axes", 1), Ints("scan_output_directions", 1));
        return g.Node("Slice", "viterbi.tags", [backward[1], g.Int64Vector("start", 0), steps, g.Int64Vector("axis_1", 1)]);
    }
}
