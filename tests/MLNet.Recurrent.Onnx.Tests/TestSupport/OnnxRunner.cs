using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.Recurrent.Onnx.Tests.TestSupport;

/// <summary>Runs an exported model in ONNX Runtime (CPU) and returns every output as a flat float array with its shape.</summary>
internal static class OnnxRunner
{
    public static Dictionary<string, (float[] Data, int[] Shape)> Run(byte[] model, params NamedOnnxValue[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var results = session.Run(inputs);
        var outputs = new Dictionary<string, (float[], int[])>();
        foreach (var r in results)
        {
            switch (r.Value)
            {
                case Tensor<float> f: outputs[r.Name] = (f.ToArray(), f.Dimensions.ToArray()); break;
                case Tensor<long> l: outputs[r.Name] = (l.ToArray().Select(v => (float)v).ToArray(), l.Dimensions.ToArray()); break;
                case Tensor<bool> b: outputs[r.Name] = (b.ToArray().Select(v => v ? 1f : 0f).ToArray(), b.Dimensions.ToArray()); break;
                default: throw new InvalidOperationException($"Output '{r.Name}' has an unexpected type {r.Value?.GetType()}.");
            }
        }
        return outputs;
    }

    public static NamedOnnxValue Int64(string name, long[] data, params int[] dims) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(data, dims));

    public static NamedOnnxValue Int32(string name, int[] data, params int[] dims) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(data, dims));

    public static NamedOnnxValue Float(string name, float[] data, params int[] dims) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, dims));

    /// <summary>The largest absolute difference; prints it, as the fixture tests do.</summary>
    public static float MaxDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++) max = MathF.Max(max, MathF.Abs(expected[i] - actual[i]));
        Console.WriteLine($"{what}: max |difference| {max:E2} over {expected.Length} values");
        return max;
    }
}
