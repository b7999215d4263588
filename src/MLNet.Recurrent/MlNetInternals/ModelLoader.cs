using System.Text;
using Microsoft.ML;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Saves and loads a component as one length-prefixed byte array (our own format) under ML.NET's version
/// header. The loading contract: whatever is wrong with the bytes, <see cref="Create"/> throws
/// <see cref="InvalidDataException"/> naming the component and the entry; ML.NET invokes it (and its own
/// <c>TransformerChain</c> loader) by reflection, so <c>MLContext.Model.Load</c> callers see it as the
/// <c>InnerException</c> of one or more <c>TargetInvocationException</c>s (one per enclosing chain). <c>[assembly: LoadableClass]</c> names <see cref="ModelLoader{TTransformer}"/> as each
/// transformer's loader (see <c>ComponentRegistrations.cs</c>).
/// </summary>
/// <typeparam name="TTransformer">The transformer being loaded.</typeparam>
internal static class ModelLoader<TTransformer>
    where TTransformer : RecurrentTransformerBase, IRecurrentComponent<TTransformer>
{
    /// <summary>Called by ML.NET's component catalog (by reflection: name and signature are fixed).</summary>
    public static TTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ModelVersion version = TTransformer.Version;
        ctx.CheckAtModel(version.ToVersionInfo(typeof(TTransformer)));
        uint written = ctx.Header.ModelVerWritten;
        byte[] bytes = ReadByteArray(ctx.Reader, version.LoaderSignature);

        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        TTransformer result;
        try
        {
            result = TTransformer.Load(env, new ComponentBlob(reader, written));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The saved {version.LoaderSignature} model cannot be read: its {bytes.Length} bytes ended early.", e);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException or InvalidCastException
            or FormatException or OverflowException or IndexOutOfRangeException)
        {
            // A component's reader trusts what the engine's checked reader returns; whatever still slips through a
            // crafted file (a missing key, a value of the wrong kind, a name the network lacks) is a bad model too.
            throw new InvalidDataException($"The saved {version.LoaderSignature} model cannot be read: {e.Message}", e);
        }
        if (stream.Position != stream.Length)
            ThrowHelper.BadModel(version.LoaderSignature, $"{stream.Length - stream.Position} of its {stream.Length} bytes were left unread");
        return result;
    }

    /// <summary>
    /// Reads the byte array ML.NET's <c>WriteByteArray</c> wrote (an int32 length, then the bytes) without trusting
    /// the length: it is checked against the bytes left when the stream knows them, and the bytes are read in chunks
    /// otherwise, so a crafted length cannot allocate more than the entry holds (ML.NET's own <c>ReadByteArray</c>
    /// allocates whatever the length says).
    /// </summary>
    private static byte[] ReadByteArray(BinaryReader reader, string component)
    {
        int length = reader.ReadInt32();
        Stream stream = reader.BaseStream;
        long left = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (length < 0 || length > left)
            ThrowHelper.BadModel(component, $"the length of its byte array was {length} bytes; it must be between 0 and the {(stream.CanSeek ? left : int.MaxValue)} bytes that remain");
        if (stream.CanSeek) return reader.ReadBytes(length);
        using var bytes = new MemoryStream();
        var chunk = new byte[Math.Min(length, 1 << 16)];
        while (bytes.Length < length)
        {
            int read = reader.Read(chunk, 0, (int)Math.Min(chunk.Length, length - bytes.Length));
            if (read == 0) ThrowHelper.BadModel(component, $"the length of its byte array was {length} bytes but only {bytes.Length} remain");
            bytes.Write(chunk, 0, read);
        }
        return bytes.ToArray();
    }
}
