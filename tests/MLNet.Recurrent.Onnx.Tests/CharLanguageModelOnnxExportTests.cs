using System.Text;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;

namespace MLNet.Recurrent.Onnx.Tests;

using CharLanguageModel = MLNet.Recurrent.Core.Models.CharLanguageModel;

public sealed class CharLanguageModelOnnxExportTests
{
    private const string Text = "the cat sat on the mat, and the mat said nothing at all.";

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.RnnTanh)]
    public void scoring_in_two_chunks_with_the_carried_state_gives_the_engines_log_likelihood(CellType cell)
    {
        var vocabulary = CharVocabulary.Build(Text);
        using var charNetwork = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = vocabulary.Count, EmbeddingSize = 5, Cell = cell, HiddenSize = 6, Layers = 2, PerStepOutput = true, OutputSize = vocabulary.Count,
        });
        charNetwork.Initialize(seed: 11);
        var model = new CharLanguageModel(vocabulary, charNetwork, "\n");
        using var stream = new MemoryStream();
        model.ExportToOnnx(stream);
        byte[] onnx = stream.ToArray();

        int[] ids = [vocabulary.GetId(new Rune('\n')), .. vocabulary.Encode(Text)];
        int split = 20, states = 2, h = 6;
        var hidden = new float[states * h];
        var cellState = new float[states * h];
        double logLikelihood = 0;
        foreach (var (start, end) in (ReadOnlySpan<(int, int)>)[(0, split), (split, ids.Length - 1)])
        {
            int steps = end - start;
            var inputs = new List<Microsoft.ML.OnnxRuntime.NamedOnnxValue>
            {
                Int64(OnnxTensorNames.Tokens, ids[start..end].Select(i => (long)i).ToArray(), 1, steps),
                Int32(OnnxTensorNames.Lengths, [steps], 1),
                Float(OnnxTensorNames.InitialHidden, hidden, states, 1, h),
            };
            if (cell == CellType.Lstm) inputs.Add(Float(OnnxTensorNames.InitialCell, cellState, states, 1, h));
            var outputs = Run(onnx, [.. inputs]);
            float[] p = outputs[OnnxTensorNames.Probabilities].Data;
            for (int t = 0; t < steps; t++) logLikelihood += Math.Log(p[t * vocabulary.Count + ids[start + t + 1]]);
            hidden = outputs[OnnxTensorNames.FinalHidden].Data;
            if (cell == CellType.Lstm) cellState = outputs[OnnxTensorNames.FinalCell].Data;
        }

        double expected = model.Score(Text).LogLikelihood;
        Console.WriteLine($"{cell}: engine {expected:R}, ONNX Runtime {logLikelihood:R}");
        Assert.Equal(expected, logLikelihood, 1e-5 * Math.Abs(expected));
    }
}
