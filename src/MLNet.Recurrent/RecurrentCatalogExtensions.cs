using Microsoft.ML;
using MLNet.Recurrent;

/// <summary>Adds <see cref="RecurrentCatalog"/> to <see cref="TransformsCatalog"/>: <c>mlContext.Transforms.Recurrent</c>.</summary>
public static class RecurrentCatalogExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>Recurrent-network components: <c>mlContext.Transforms.Recurrent.NormalizeFrames(...)</c>.</summary>
        public RecurrentCatalog Recurrent => new(catalog);
    }
}
