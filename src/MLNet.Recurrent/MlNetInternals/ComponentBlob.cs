namespace MLNet.Recurrent.MlNetInternals;

/// <summary>A component's saved bytes being read back, with the format version they were written with.</summary>
/// <param name="Reader">Reads the bytes the component's <c>SaveBlob</c> wrote; the loader checks that all are consumed.</param>
/// <param name="Version">The <see cref="ModelVersion.Version"/> the bytes were written with.</param>
internal sealed record ComponentBlob(BinaryReader Reader, uint Version);
