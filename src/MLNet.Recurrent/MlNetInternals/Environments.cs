using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>Reaches the environment ML.NET keeps inside its catalogs.</summary>
internal static class Environments
{
    /// <summary>The environment (the <c>MLContext</c>) behind <paramref name="catalog"/>.</summary>
    public static IHostEnvironment Of(TransformsCatalog catalog) => CatalogUtils.GetEnvironment(catalog);

    /// <summary>
    /// Cancels everything running in <paramref name="mlContext"/>: what <c>MLContext.CancelExecution()</c> does.
    /// That method is internal in ML.NET 5.0 (AutoML uses it), so users cannot call it yet.
    /// </summary>
    public static void CancelExecution(MLContext mlContext) => mlContext.CancelExecution();
}
