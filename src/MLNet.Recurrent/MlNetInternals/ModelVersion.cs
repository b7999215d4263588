using MLNet.Recurrent.Internals;
using Microsoft.ML;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// How a component's saved form identifies itself in an ML.NET model zip: an 8-character model signature,
/// the format version written now, the oldest version this code still reads, and the loader signature that
/// <c>[assembly: LoadableClass]</c> registers (at most 23 ASCII characters, unique across ML.NET, compared
/// case-insensitively).
/// </summary>
internal sealed record ModelVersion
{
    /// <summary>Creates a version description; see the type's summary for the meaning of each value.</summary>
    public ModelVersion(string modelSignature, uint version, uint oldestReadable, string loaderSignature)
    {
        if (modelSignature is null || modelSignature.Length != 8 || modelSignature.Any(c => c > 127))
            ThrowHelper.OutOfRange(nameof(modelSignature), modelSignature, "it must be exactly 8 ASCII characters");
        if (oldestReadable == 0 || oldestReadable > version)
            ThrowHelper.OutOfRange(nameof(oldestReadable), oldestReadable, $"it must be between 1 and the version, {version}");
        // ML.NET stores the loader signature in a fixed 24-byte header field, NUL-terminated.
        if (string.IsNullOrWhiteSpace(loaderSignature) || loaderSignature.Length > 23 || loaderSignature.Any(c => c > 127))
            ThrowHelper.OutOfRange(nameof(loaderSignature), loaderSignature, "it must be 1 to 23 ASCII characters");
        ModelSignature = modelSignature;
        Version = version;
        OldestReadable = oldestReadable;
        LoaderSignature = loaderSignature;
    }

    /// <summary>Exactly 8 ASCII characters, stored in the model header.</summary>
    public string ModelSignature { get; }

    /// <summary>The format version this code writes.</summary>
    public uint Version { get; }

    /// <summary>The oldest format version this code can read.</summary>
    public uint OldestReadable { get; }

    /// <summary>The name <c>Model.Load</c> looks the loader up by.</summary>
    public string LoaderSignature { get; }

    /// <summary>ML.NET's header record. Older code cannot read what this version writes.</summary>
    internal VersionInfo ToVersionInfo(Type componentType) => new(
        modelSignature: ModelSignature,
        verWrittenCur: Version,
        verReadableCur: Version,
        verWeCanReadBack: OldestReadable,
        loaderAssemblyName: componentType.Assembly.FullName,
        loaderSignature: LoaderSignature,
        loaderSignatureAlt: null);
}
