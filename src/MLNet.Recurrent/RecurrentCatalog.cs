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
        Transforms = transforms;
        Environment = Environments.Of(transforms);
    }

    /// <summary>ML.NET's transforms, for components that compose ML.NET's own estimators.</summary>
    internal TransformsCatalog Transforms { get; }

    /// <summary>The environment (the <c>MLContext</c>) components are created in.</summary>
    internal IHostEnvironment Environment { get; }
}
