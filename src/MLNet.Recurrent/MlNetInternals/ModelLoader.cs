using System.Text;
using Microsoft.ML;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Saves and loads a component as one length-prefixed byte array (our own format) under ML.NET's version
/// header. <c>[assembly: LoadableClass]</c> names <see cref="ModelLoader{TTransformer}"/> as each
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
        byte[] bytes = ctx.Reader.ReadByteArray();
        if (bytes is null) ThrowHelper.BadModel(version.LoaderSignature, "its byte array is missing");

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
        if (stream.Position != stream.Length)
            ThrowHelper.BadModel(version.LoaderSignature, $"{stream.Length - stream.Position} of its {stream.Length} bytes were left unread");
        return result;
    }
}
