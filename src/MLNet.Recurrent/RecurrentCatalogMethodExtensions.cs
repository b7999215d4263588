using MLNet.Recurrent;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.Transforms.Recurrent()</c> for code compiled before C# 14, which cannot use the extension
/// property <c>mlContext.Transforms.Recurrent</c>. Declared in the global namespace on purpose: extension
/// lookup reaches it only after the usings, so C# 14 code binds the property without ambiguity.
/// </summary>
public static class RecurrentCatalogMethodExtensions
{
    /// <summary>Recurrent-network components: <c>mlContext.Transforms.Recurrent().NormalizeFrames(...)</c>.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    public static RecurrentCatalog Recurrent(this TransformsCatalog catalog) => new(catalog);
}
