using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent;

/// <summary>
/// Recurrent-network components for ML.NET, reached as <c>mlContext.Transforms.Recurrent</c> (or
/// <c>mlContext.Transforms.Recurrent()</c> before C# 14).
/// </summary>
public sealed partial class RecurrentCatalog
{
    internal RecurrentCatalog(TransformsCatalog transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        Environment = Environments.Of(transforms);
    }

    /// <summary>The environment (the <c>MLContext</c>) components are created in.</summary>
    internal IHostEnvironment Environment { get; }
}
