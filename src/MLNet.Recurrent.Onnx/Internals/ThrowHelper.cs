using System.Diagnostics.CodeAnalysis;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// The one place that builds this package's error messages: each names the ONNX node, tensor or parameter, the
/// value found and what was expected.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>An ONNX model this package cannot read: <c>{subject}: {problem}.</c></summary>
    [DoesNotReturn]
    public static void BadModel(string subject, string problem) => throw BadModelException(subject, problem);

    /// <summary>The exception of <see cref="BadModel"/>, for <c>?? throw</c> and switch expressions.</summary>
    public static InvalidDataException BadModelException(string subject, string problem) => new($"{subject}: {problem}.");

    /// <summary>An ONNX option PyTorch's recurrent modules cannot express: <c>{where}: '{name}' was {value}; it must be {expected}.</c></summary>
    public static InvalidDataException Unsupported(string where, string name, string value, string expected) =>
        new($"{where}: '{name}' was {value}; it must be {expected}.");

    /// <summary>A model this exporter cannot write: <c>'{option}' was {value}: {problem}.</c></summary>
    public static NotSupportedException NotSupported(string option, object value, string problem) =>
        new($"'{option}' was {value}: {problem}.");

    /// <summary>A wrong argument: <c>'{name}' {problem}.</c></summary>
    [DoesNotReturn]
    public static void Argument(string name, string problem) => throw new ArgumentException($"'{name}' {problem}.", name);

    /// <summary>Dimensions as ONNX tools print them: <c>[2, 16, 3]</c>.</summary>
    public static string Dims(IEnumerable<long> dims) => $"[{string.Join(", ", dims)}]";

    /// <summary>A bug in the graph builder, not in the caller's input.</summary>
    [DoesNotReturn]
    public static void Internal(string message) => throw new InvalidOperationException(message);
}
