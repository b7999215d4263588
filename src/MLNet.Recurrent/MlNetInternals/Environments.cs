using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>Reaches the environment ML.NET keeps inside its catalogs.</summary>
internal static class Environments
{
    /// <summary>The environment (the <c>MLContext</c>) behind <paramref name="catalog"/>.</summary>
    public static IHostEnvironment Of(TransformsCatalog catalog) => CatalogUtils.GetEnvironment(catalog);
}
