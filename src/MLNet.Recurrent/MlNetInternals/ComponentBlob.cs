using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>A component's saved bytes being read back, with the format version they were written with.</summary>
/// <param name="Reader">Reads the bytes the component's <c>SaveBlob</c> wrote; the loader checks that all are consumed.</param>
/// <param name="Version">The <see cref="ModelVersion.Version"/> the bytes were written with.</param>
internal sealed record ComponentBlob(BinaryReader Reader, uint Version)
{
    /// <summary>
    /// Writes what <paramref name="write"/> produces (a <c>ModelFile</c>, usually) as a length-prefixed block, the form
    /// <see cref="ReadLengthPrefixedBytes"/> reads back with its bounds check.
    /// </summary>
    /// <param name="writer">The transformer's blob writer.</param>
    /// <param name="write">Writes the block to a stream.</param>
    public static void WriteLengthPrefixed(BinaryWriter writer, Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        writer.Write(checked((int)stream.Length));
        writer.Write(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// Reads an int32 length and then that many bytes, checking the length against the bytes that remain before
    /// anything is allocated (a crafted prefix must not make a 5 KB model ask for 2 GiB).
    /// </summary>
    /// <param name="component">The loader signature, for the message.</param>
    /// <param name="what">What the bytes hold ("network", "model"), for the message.</param>
    public byte[] ReadLengthPrefixedBytes(string component, string what)
    {
        int length = Reader.ReadInt32();
        long left = Reader.BaseStream.Length - Reader.BaseStream.Position;
        if (length < 0 || length > left)
            ThrowHelper.BadModel(component, $"the length of its {what} was {length} bytes; it must be between 0 and the {left} bytes that remain");
        return Reader.ReadBytes(length);
    }
}
