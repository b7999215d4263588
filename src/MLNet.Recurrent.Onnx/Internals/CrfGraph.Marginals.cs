using MLNet.Recurrent.Core.Models;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

internal static partial class CrfGraph
{
    /// <summary>
    /// The per-step marginals <c>p(y_t = k | e)</c> by the forward-backward algorithm in log space, as
    /// <c>LinearChainCrf.Marginals</c> computes them (in double there, in float here). A forward <c>Scan</c> carries
    /// <c>alpha [B, K]</c> (<c>start + e_0</c>, then <c>logsumexp_i(alpha_i + A[i, k]) + e_t</c>), a reverse one
    /// <c>beta [B, K]</c> (<c>end</c> at a row's last step, before it <c>logsumexp_j(A[k, j] + e_{t+1, j} + beta_{t+1, j})</c>);
    /// the marginal is <c>exp(alpha_t + beta_t - log Z)</c>, <c>log Z = logsumexp(alpha_last + end)</c>. Both scans run
    /// over one extra padding step, as in <see cref="Viterbi"/>.
    /// </summary>
    /// <param name="g">The graph being built.</param>
    /// <param name="network">A network with a CRF output layer.</param>
    /// <param name="emissions">Float <c>[B, T, K]</c>.</param>
    /// <param name="lengthColumn">Int64 <c>[B, 1]</c>: each row's length.</param>
    /// <param name="steps">Int64 <c>[1]</c>: T.</param>
    /// <returns>Float <c>[B, T, K]</c>; zero past a row's length.</returns>
    public static string Marginals(OnnxGraphBuilder g, SequenceNetwork network, string emissions, string lengthColumn, string steps)
    {
        int k = network.Options.OutputSize;
        ReadOnlySpan<float> Weight(string name) => network.Parameters[name].Value;
        string pads = g.Int64Vector("marginals.pads", 0, 0, 0, 0, 1, 0);
        string padded = g.Node("Pad", "marginals.emissions_padded", [emissions, pads]);
        string stepsPadded = g.Node("Squeeze", "marginals.steps_padded", [g.Node("Add", "marginals.steps_plus_one", [steps, g.Int64Vector("one", 1)]), g.Int64Vector("axis_0", 0)]);
        string stepIndex = g.Node("Range", "marginals.step_index", [g.Int64Scalar("zero_int64", 0), stepsPadded, g.Int64Scalar("one_int64", 1)]);
        string valid = g.Node("Less", "marginals.valid", [stepIndex, lengthColumn]);
        string first = g.Node("Equal", "marginals.first_flags", [stepIndex, g.Int64Scalar("zero_int64", 0)]);
        string lastIndex = g.Node("Sub", "marginals.last_index", [lengthColumn, g.Int64Scalar("one_int64", 1)]);
        string last = g.Node("Equal", "marginals.last_flags", [stepIndex, lastIndex]);
        string shape = g.Node("Concat", "marginals.state_shape", [g.Node("Slice", "marginals.batch", [g.Node("Shape", "marginals.emissions_shape", [emissions]), g.Int64Vector("start", 0), g.Int64Vector("end", 1)]), g.Int64Vector("classes", k)], Int("axis", 0));
        string zeros = g.Node("ConstantOfShape", "marginals.zero_state", [shape], FloatTensor("value", 0f));

        // Forward: state alpha [B, K]; per step e_t, valid_t, first_t; emits alpha_t.
        var fwd = new OnnxGraphBuilder("crf_alpha", g);
        string alpha = fwd.Input(fwd.Unique("alpha.state"), DataType.Float, "batch", (long)k);
        string e = fwd.Input(fwd.Unique("alpha.e_t"), DataType.Float, "batch", (long)k);
        string v = fwd.Input(fwd.Unique("alpha.valid_t"), DataType.Bool, "batch");
        string isFirst = fwd.Input(fwd.Unique("alpha.first_t"), DataType.Bool);
        string scores = fwd.Node("Add", "alpha.scores", [fwd.Node("Unsqueeze", "alpha.state_column", [alpha, fwd.Int64Vector("alpha.axis_2", 2)]), fwd.Floats("alpha.transitions", Weight("crf.transitions"), k, k)]);
        string later = fwd.Node("Add", "alpha.later", [fwd.Node("ReduceLogSumExp", "alpha.sum", [scores], Ints("axes", 1), Int("keepdims", 0)), e]);
        string start = fwd.Node("Add", "alpha.start", [fwd.Floats("alpha.start_transitions", Weight("crf.start_transitions"), k), e]);
        string column = fwd.Node("Unsqueeze", "alpha.valid_column", [v, fwd.Int64Vector("alpha.axis_1", 1)]);
        string nextAlpha = fwd.Node("Where", "alpha.next", [column, fwd.Node("Where", "alpha.step", [isFirst, start, later]), alpha]);
        fwd.Output(nextAlpha, "alpha.state_next", DataType.Float, "batch", (long)k);
        fwd.Output(fwd.Node("Identity", "alpha.emitted", [nextAlpha]), "alpha.t", DataType.Float, "batch", (long)k);
        string[] forward = g.Node("Scan", [zeros, padded, valid, first], ["marginals.alpha_last", "marginals.alphas"],
            Graph("body", fwd.ToGraph()), Int("num_scan_inputs", 3), Ints("scan_input_axes", 1, 1, 0), Ints("scan_output_axes", 1));
        string final = g.Node("Add", "marginals.final", [forward[0], g.Floats("marginals.end_transitions", Weight("crf.end_transitions"), k)]);
        string logZ = g.Node("ReduceLogSumExp", "marginals.log_partition", [final], Ints("axes", 1), Int("keepdims", 1));

        // Backward (reverse scan): state beta_{t+1} [B, K]; per step e_{t+1}, last_t, valid_t; emits beta_t.
        string shifted = g.Node("Slice", "marginals.emissions_next", [padded, g.Int64Vector("start", 1), g.Int64Vector("end", long.MaxValue), g.Int64Vector("axis_1", 1)]);
        string next = g.Node("Pad", "marginals.emissions_next_padded", [shifted, pads]);
        var bwd = new OnnxGraphBuilder("crf_beta", g);
        string beta = bwd.Input(bwd.Unique("beta.state"), DataType.Float, "batch", (long)k);
        string eNext = bwd.Input(bwd.Unique("beta.e_next"), DataType.Float, "batch", (long)k);
        string isLast = bwd.Input(bwd.Unique("beta.last_t"), DataType.Bool, "batch");
        string vb = bwd.Input(bwd.Unique("beta.valid_t"), DataType.Bool, "batch");
        string ahead = bwd.Node("Unsqueeze", "beta.ahead", [bwd.Node("Add", "beta.ahead_row", [eNext, beta]), bwd.Int64Vector("beta.axis_1", 1)]);
        string inner = bwd.Node("ReduceLogSumExp", "beta.sum",
            [bwd.Node("Add", "beta.scores", [ahead, bwd.Floats("beta.transitions", Weight("crf.transitions"), k, k)])], Ints("axes", 2), Int("keepdims", 0));
        string lastColumn = bwd.Node("Unsqueeze", "beta.last_column", [isLast, bwd.Int64Vector("beta.axis_1", 1)]);
        string validColumn = bwd.Node("Unsqueeze", "beta.valid_column", [vb, bwd.Int64Vector("beta.axis_1", 1)]);
        string step = bwd.Node("Where", "beta.step", [lastColumn, bwd.Floats("beta.end_transitions", Weight("crf.end_transitions"), k), inner]);
        string nextBeta = bwd.Node("Where", "beta.next", [validColumn, step, beta]);
        bwd.Output(nextBeta, "beta.state_next", DataType.Float, "batch", (long)k);
        bwd.Output(bwd.Node("Identity", "beta.emitted", [nextBeta]), "beta.t", DataType.Float, "batch", (long)k);
        string[] backward = g.Node("Scan", [zeros, next, last, valid], ["marginals.beta_first", "marginals.betas"],
            Graph("body", bwd.ToGraph()), Int("num_scan_inputs", 3), Ints("scan_input_axes", 1, 1, 1), Ints("scan_input_directions", 1, 1, 1),
            Ints("scan_output_axes", 1), Ints("scan_output_directions", 1));

        string logZ3 = g.Node("Unsqueeze", "marginals.log_partition_3d", [logZ, g.Int64Vector("axis_2", 2)]);
        string logMarginals = g.Node("Sub", "marginals.log", [g.Node("Add", "marginals.alpha_beta", [forward[1], backward[1]]), logZ3]);
        string marginals = g.Node("Slice", "marginals.cut", [g.Node("Exp", "marginals.padded", [logMarginals]), g.Int64Vector("start", 0), steps, g.Int64Vector("axis_1", 1)]);
        string realSteps = g.Node("Slice", "marginals.valid_cut", [valid, g.Int64Vector("start", 0), steps, g.Int64Vector("axis_1", 1)]);
        string valid3 = g.Node("Unsqueeze", "marginals.valid_3d", [realSteps, g.Int64Vector("axis_2", 2)]);
        return g.Node("Where", "marginals", [valid3, marginals, g.FloatScalar("zero", 0f)]);
    }
}
