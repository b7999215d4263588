using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Onnx.Tests.TestSupport;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;

namespace MLNet.Recurrent.Onnx.Tests;

public sealed class SequenceNetworkOnnxExportTests
{
    private const float Tolerance = 1e-5f;
    private static readonly int[] s_lengths = [5, 2, 7, 1];

    [Theory]
    [InlineData(CellType.Lstm, 1, false, SequencePoolingMode.Last, true, false)]
    [InlineData(CellType.Gru, 1, false, SequencePoolingMode.Last, true, false)]
    [InlineData(CellType.RnnTanh, 1, false, SequencePoolingMode.Last, true, false)]
    [InlineData(CellType.RnnRelu, 1, false, SequencePoolingMode.Last, false, false)]
    [InlineData(CellType.Lstm, 2, true, SequencePoolingMode.Last, true, false)]
    [InlineData(CellType.Gru, 2, true, SequencePoolingMode.Mean, false, false)]
    [InlineData(CellType.RnnTanh, 2, true, SequencePoolingMode.Max, true, false)]
    [InlineData(CellType.RnnRelu, 2, true, SequencePoolingMode.Mean, true, false)]
    [InlineData(CellType.Lstm, 2, false, SequencePoolingMode.Max, false, false)]
    [InlineData(CellType.Gru, 1, true, SequencePoolingMode.Last, false, true)]
    [InlineData(CellType.Lstm, 2, true, SequencePoolingMode.Mean, true, true)]
    public void onnx_runtime_gives_the_engines_pooled_logits_and_probabilities(
        CellType cell, int layers, bool bidirectional, SequencePoolingMode pooling, bool tokens, bool learnedInitialState)
    {
        using var network = Build(cell, layers, bidirectional, tokens, learnedInitialState, perStep: false, pooling);
        var data = tokens ? Batches.TokenBatch(11, s_lengths, seed: 3, perStep: false) : Batches.FrameBatch(3, s_lengths, seed: 3, perStep: false);
        using var probabilities = new Tensor(0);
        network.Predict(data.Batch, probabilities);

        var outputs = Run(Export(network), Inputs(data, tokens, 3));

        Assert.Equal([s_lengths.Length, 4], outputs[OnnxTensorNames.Logits].Shape);
        Assert.True(MaxDifference(network.Logits.Span, outputs[OnnxTensorNames.Logits].Data, "logits") <= Tolerance);
        Assert.True(MaxDifference(probabilities.Span, outputs[OnnxTensorNames.Probabilities].Data, "probabilities") <= Tolerance);
    }

    [Theory]
    [InlineData(CellType.Lstm, 2, true, true)]
    [InlineData(CellType.Gru, 1, false, false)]
    [InlineData(CellType.RnnRelu, 2, false, true)]
    [InlineData(CellType.RnnTanh, 1, true, false)]
    public void onnx_runtime_gives_the_engines_per_step_logits_at_every_step(CellType cell, int layers, bool bidirectional, bool tokens)
    {
        using var network = Build(cell, layers, bidirectional, tokens, learnedInitialState: false, perStep: true, SequencePoolingMode.Last);
        var data = tokens ? Batches.TokenBatch(11, s_lengths, seed: 5, perStep: true) : Batches.FrameBatch(3, s_lengths, seed: 5, perStep: true);
        using var probabilities = new Tensor(0);
        network.Predict(data.Batch, probabilities);

        var outputs = Run(Export(network), Inputs(data, tokens, 3));

        Assert.Equal([s_lengths.Length, data.Steps, 4], outputs[OnnxTensorNames.Logits].Shape);
        Assert.True(MaxDifference(data.BatchMajor(network.Logits.Span, 4), outputs[OnnxTensorNames.Logits].Data, "logits") <= Tolerance);
        Assert.True(MaxDifference(data.BatchMajor(probabilities.Span, 4), outputs[OnnxTensorNames.Probabilities].Data, "probabilities") <= Tolerance);
    }

    [Fact]
    public void the_exported_model_runs_any_batch_size_and_length_with_one_graph()
    {
        using var network = Build(CellType.Gru, 2, true, tokens: true, learnedInitialState: false, perStep: false, SequencePoolingMode.Mean);
        byte[] model = Export(network);
        foreach (int[] lengths in (int[][])[[1], [9, 9, 9], [2, 12]])
        {
            var data = Batches.TokenBatch(11, lengths, seed: lengths.Sum(), perStep: false);
            using var probabilities = new Tensor(0);
            network.Predict(data.Batch, probabilities);
            var outputs = Run(model, Inputs(data, true, 0));
            Assert.True(MaxDifference(probabilities.Span, outputs[OnnxTensorNames.Probabilities].Data, $"lengths [{string.Join(",", lengths)}]") <= Tolerance);
        }
    }

    [Fact]
    public void an_empty_sequence_pools_to_zeros_and_scores_the_output_bias_as_in_the_engine()
    {
        using var network = Build(CellType.Lstm, 1, true, tokens: true, learnedInitialState: true, perStep: false, SequencePoolingMode.Max);
        var data = Batches.TokenBatch(11, [3, 0, 2], seed: 9, perStep: false);
        using var probabilities = new Tensor(0);
        network.Predict(data.Batch, probabilities);

        var outputs = Run(Export(network), Inputs(data, true, 0));

        float[] logits = outputs[OnnxTensorNames.Logits].Data;
        Assert.Equal(network.Parameters["output.bias"].Value.ToArray(), logits.AsSpan(4, 4).ToArray());
        Assert.True(MaxDifference(network.Logits.Span, logits, "logits") <= Tolerance);
    }

    internal static SequenceNetwork Build(CellType cell, int layers, bool bidirectional, bool tokens, bool learnedInitialState, bool perStep, SequencePoolingMode pooling)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = tokens ? 11 : 0,
            EmbeddingSize = 5,
            FrameSize = tokens ? 0 : 3,
            Cell = cell,
            HiddenSize = 6,
            Layers = layers,
            Bidirectional = bidirectional,
            LearnedInitialState = learnedInitialState,
            PerStepOutput = perStep,
            Pooling = pooling,
            OutputSize = 4,
        });
        network.Initialize(seed: 42);
        var random = new Random(7);
        // Initialize leaves learned states at zero and biases small; give every weight a value that tells gates apart.
        foreach (var p in network.Parameters.Parameters)
        {
            if (!p.Name.Contains("bias") && !p.Name.EndsWith("h0", StringComparison.Ordinal) && !p.Name.EndsWith("c0", StringComparison.Ordinal)) continue;
            Span<float> v = p.Value;
            for (int i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() - 0.5);
        }
        return network;
    }

    internal static byte[] Export(SequenceNetwork network, bool stateInputs = false)
    {
        using var stream = new MemoryStream();
        network.ExportToOnnx(stream, stateInputs);
        return stream.ToArray();
    }

    private static Microsoft.ML.OnnxRuntime.NamedOnnxValue[] Inputs(Batches data, bool tokens, int frameSize)
    {
        int b = data.Lengths.Length;
        return
        [
            tokens ? Int64(OnnxTensorNames.Tokens, data.Tokens, b, data.Steps) : Float(OnnxTensorNames.Frames, data.Frames, b, data.Steps, frameSize),
            Int32(OnnxTensorNames.Lengths, data.Lengths, b),
        ];
    }
}
