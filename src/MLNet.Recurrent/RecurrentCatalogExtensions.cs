using MLNet.Recurrent;

namespace Microsoft.ML;

/// <summary>Adds <see cref="RecurrentCatalog"/> to <see cref="TransformsCatalog"/>.</summary>
public static class RecurrentCatalogExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>Recurrent-network components: <c>mlContext.Transforms.Recurrent.NormalizeFrames(...)</c>.</summary>
        public RecurrentCatalog Recurrent => new(catalog);
    }

    /// <summary>
    /// Recurrent-network components for code compiled before C# 14, which cannot use extension properties:
    /// <c>mlContext.Transforms.Recurrent().NormalizeFrames(...)</c>.
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    public static RecurrentCatalog Recurrent(this TransformsCatalog catalog) => new(catalog);
}
