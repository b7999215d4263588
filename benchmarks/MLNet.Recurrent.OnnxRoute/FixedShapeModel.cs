using Microsoft.ML.OnnxRuntime;

namespace MLNet.Recurrent.OnnxRoute;

/// <summary>
/// A model with one int64 input "tokens" and one float output "logits" of fixed shapes, bound once to
/// preallocated, pinned buffers so that <see cref="Run"/> allocates nothing.
/// </summary>
internal sealed class FixedShapeModel : IDisposable
{
    readonly InferenceSession _session;
    readonly OrtValue _tokens;
    readonly OrtValue _logits;
    readonly OrtIoBinding _binding;
    readonly RunOptions _runOptions = new();

    /// <summary>Token ids, row-major as the input shape says; write them before <see cref="Run"/>.</summary>
    public long[] Tokens { get; }

    /// <summary>Output of the last <see cref="Run"/>, row-major as the output shape says.</summary>
    public float[] Logits { get; }

    public FixedShapeModel(string path, SessionOptions options)
    {
        _session = new InferenceSession(path, options);
        long[] inShape = FixedShape(_session.InputMetadata["tokens"].Dimensions, path, "tokens");
        long[] outShape = FixedShape(_session.OutputMetadata["logits"].Dimensions, path, "logits");
        Tokens = new long[Product(inShape)];
        Logits = new float[Product(outShape)];
        _tokens = OrtValue.CreateTensorValueFromMemory(Tokens, inShape);
        _logits = OrtValue.CreateTensorValueFromMemory(Logits, outShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("tokens", _tokens);
        _binding.BindOutput("logits", _logits);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    internal static long[] FixedShape(int[] dims, string path, string name)
    {
        if (dims.Any(d => d <= 0))
            throw new InvalidOperationException($"'{name}' of '{path}' has shape [{string.Join(", ", dims)}]; a fixed shape was expected (export_onnx.py exports fixed shapes).");
        return dims.Select(d => (long)d).ToArray();
    }

    internal static int Product(long[] shape) => checked((int)shape.Aggregate(1L, (a, b) => a * b));

    public void Dispose()
    {
        _binding.Dispose();
        _tokens.Dispose();
        _logits.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
