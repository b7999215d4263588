using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// Writes a <see cref="SequenceNetwork"/>'s inference into an <see cref="OnnxGraphBuilder"/> with standard operators:
/// Transpose + Gather (embedding), one LSTM/GRU/RNN node per layer (both directions in one node, sequence_lens for
/// variable lengths), Where/ReduceSum/ReduceMax or the last layer's Y_h (pooling), Gemm or MatMul + Add (output
/// layer) and Softmax. Inputs are batch-major (<c>[B, T]</c> ids or <c>[B, T, D]</c> frames); ONNX's recurrent
/// operators run time-major (ONNX Runtime does not implement their batch-major <c>layout</c>), so the graph
/// transposes once on the way in and once on the way out.
/// </summary>
internal sealed partial class SequenceNetworkGraph
{
    private readonly OnnxGraphBuilder _g;
    private readonly SequenceNetwork _network;
    private readonly SequenceNetworkOptions _o;
    private readonly int _dirs;
    private string _batchShape = "";   // int64 [1]: B
    private string _valid = "";        // bool [T, B, 1]: step t of sequence b is inside its length
    private string _lengths64 = "";    // int64 [B]

    private SequenceNetworkGraph(OnnxGraphBuilder g, SequenceNetwork network)
    {
        _g = g;
        _network = network;
        _o = network.Options;
        _dirs = _o.Bidirectional ? 2 : 1;
    }

    /// <summary>
    /// Emits the network reading <paramref name="input"/> (int64 <c>[B, T]</c> ids or float <c>[B, T, D]</c>
    /// frames) and <paramref name="lengths"/> (int32 <c>[B]</c>, each in [0, T]).
    /// </summary>
    /// <param name="g">The graph being built.</param>
    /// <param name="network">The network; its weights are copied into initializers.</param>
    /// <param name="input">The name of the ids or frames value.</param>
    /// <param name="lengths">The name of the lengths value.</param>
    /// <param name="initialHidden">Float <c>[L*dirs, B, H]</c> initial hidden states, or null for the network's own (learned or zero).</param>
    /// <param name="initialCell">LSTM: float <c>[L*dirs, B, H]</c> initial cell states, or null for the network's own.</param>
    /// <exception cref="NotSupportedException">The network has character-level word features.</exception>
    /// <returns>
    /// Logits and probabilities (<c>[B, K]</c> pooled, <c>[B, T, K]</c> per step) and the final states
    /// <c>[L*dirs, B, H]</c> (cell: LSTM only, otherwise null).
    /// </returns>
    public static SequenceNetworkValues Emit(OnnxGraphBuilder g, SequenceNetwork network, string input, string lengths,
        string? initialHidden, string? initialCell)
    {
        if (network.Options.HasSideInput)
            ThrowHelper.Argument(nameof(network), $"reads a side input of {network.Options.SideInputSize} slots, which the ONNX export does not carry yet; export a network built with SideInputSize = 0");
        if (network.Options.CharacterFeatures)
        {
            throw ThrowHelper.NotSupported(nameof(SequenceNetworkOptions.CharacterVocabularySize), network.Options.CharacterVocabularySize,
                "ONNX export has no counterpart of the character-level word features (each token's characters through a bidirectional LSTM); export a network trained without them (CharacterVocabularySize = 0)");
        }
        var graph = new SequenceNetworkGraph(g, network);
        return graph.EmitCore(input, lengths, initialHidden, initialCell);
    }

    /// <summary>The ONNX element type and symbolic shape of the network's input for <see cref="OnnxGraphBuilder.Input"/>.</summary>
    public static (DataType Type, object[] Dims) InputType(SequenceNetworkOptions o) =>
        o.TokenInput ? (DataType.Int64, ["batch", "steps"]) : (DataType.Float, ["batch", "steps", (long)o.FrameSize]);

    private SequenceNetworkValues EmitCore(string input, string lengths, string? initialHidden, string? initialCell)
    {
        string x = TimeMajorInput(input);
        Masks(x, lengths);
        var (top, finalHidden, finalCell) = Recurrent(x, lengths, initialHidden, initialCell);
        var (logits, probabilities) = _o.PerStepOutput ? PerStepHead(top) : PooledHead(top, finalHidden);
        return new SequenceNetworkValues(logits, probabilities,
            _g.Node("Concat", "final_h_all", finalHidden, Int("axis", 0)),
            finalCell.Count == 0 ? null : _g.Node("Concat", "final_c_all", finalCell, Int("axis", 0)));
    }

    /// <summary><c>[T, B, E]</c> embedded ids or <c>[T, B, D]</c> frames.</summary>
    private string TimeMajorInput(string input)
    {
        if (!_o.TokenInput) return _g.Node("Transpose", "frames_time_major", [input], Ints("perm", 1, 0, 2));
        string ids = _g.Node("Transpose", "tokens_time_major", [input], Ints("perm", 1, 0));
        var embedding = _network.Parameters["embedding.weight"];
        string table = _g.Floats("embedding.weight", embedding.Value, _o.InputVocabularySize, _o.EmbeddingSize);
        return _g.Node("Gather", "embedded", [table, ids], Int("axis", 0));
    }

    /// <summary>B as an int64 [1] shape piece, lengths as int64 and the [T, B, 1] mask of valid steps.</summary>
    private void Masks(string x, string lengths)
    {
        _batchShape = _g.Node("Shape", "batch_size", [lengths]);
        _lengths64 = _g.Node("Cast", "lengths_int64", [lengths], Int("to", (long)DataType.Int64));
        string steps = _g.Node("Shape", "steps", [x], Int("start", 0), Int("end", 1));
        string stepsScalar = _g.Node("Squeeze", "steps_scalar", [steps, _g.Int64Vector("axis_0", 0)]);
        string range = _g.Node("Range", "step_index", [_g.Int64Scalar("zero_int64", 0), stepsScalar, _g.Int64Scalar("one_int64", 1)]);
        string column = _g.Node("Unsqueeze", "step_index_column", [range, _g.Int64Vector("axis_1", 1)]);
        string row = _g.Node("Unsqueeze", "lengths_row", [_lengths64, _g.Int64Vector("axis_0", 0)]);
        string valid = _g.Node("Less", "valid_steps", [column, row]);
        _valid = _g.Node("Unsqueeze", "valid_steps_3d", [valid, _g.Int64Vector("axis_2", 2)]);
    }

    /// <summary>Zeroes (or sets to <paramref name="fill"/>) the steps of <paramref name="x"/> <c>[T, B, F]</c> beyond each length.</summary>
    private string Masked(string x, float fill, string stem) =>
        _g.Node("Where", stem, [_valid, x, _g.FloatScalar(fill == 0f ? "zero" : "fill", fill)]);

    /// <summary>Zeroes the rows of <paramref name="pooled"/> <c>[B, F]</c> whose sequence is empty, as the engine's pooling does.</summary>
    private string ZeroEmpty(string pooled)
    {
        string nonEmpty = _g.Node("Greater", "non_empty", [_lengths64, _g.Int64Scalar("zero_int64", 0)]);
        string column = _g.Node("Unsqueeze", "non_empty_column", [nonEmpty, _g.Int64Vector("axis_1", 1)]);
        return _g.Node("Where", "pooled", [column, pooled, _g.FloatScalar("zero", 0f)]);
    }

    private SequencePoolingMode Pooling => _o.Pooling;

    private CellType Cell => _o.Cell;
}
