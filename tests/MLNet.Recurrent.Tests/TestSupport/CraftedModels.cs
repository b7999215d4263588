using System.IO.Compression;
using Microsoft.ML;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Tests.TestSupport;

/// <summary>
/// Edits the engine model file inside a saved ML.NET zip in place (same length, so ML.NET's own header stays valid):
/// the crafted, corrupt and truncated inputs of the reliability tests.
/// </summary>
internal static class CraftedModels
{
    private static readonly byte[] Magic = [0x89, 0x4D, 0x4C, 0x4E, 0x52, 0x4E, 0x4E, 0x1A];

    /// <summary>Saves <paramref name="model"/> and returns the zip's bytes.</summary>
    public static byte[] Save(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    /// <summary>Loads a zip's bytes with a fresh MLContext.</summary>
    public static ITransformer Load(byte[] zip)
    {
        using var stream = new MemoryStream(zip, writable: false);
        return new MLContext(seed: 1).Model.Load(stream, out _);
    }

    /// <summary>
    /// Rewrites the first engine model file found in the zip: <paramref name="edit"/> gets the bytes of the entry
    /// that holds it and the offset of its magic number (the blob's int32 length prefix is the 4 bytes before).
    /// </summary>
    public static byte[] EditEntry(byte[] zip, Action<byte[], int> edit) => ReplaceEntry(zip, (bytes, at) =>
    {
        edit(bytes, at);
        return bytes;
    });

    /// <summary>
    /// Replaces the entry that holds the first engine model file by what <paramref name="replace"/> returns for its bytes
    /// and the offset of the magic number (the result may be shorter or longer: a truncated or rewritten entry).
    /// </summary>
    public static byte[] ReplaceEntry(byte[] zip, Func<byte[], int, byte[]> replace)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var entry in archive.Entries.ToList())
            {
                byte[] bytes;
                using (var s = entry.Open())
                using (var copy = new MemoryStream())
                {
                    s.CopyTo(copy);
                    bytes = copy.ToArray();
                }
                int at = bytes.AsSpan().IndexOf(Magic);
                if (at < 0) continue;
                byte[] replaced = replace(bytes, at);
                string name = entry.FullName;
                entry.Delete();
                using (var w = archive.CreateEntry(name).Open()) w.Write(replaced);
                return Finish(stream, archive);
            }
        }
        throw new InvalidOperationException("No engine model file in the zip.");
    }

    /// <summary>
    /// Rewrites the engine model file with each vocabulary replaced by what <paramref name="vocabulary"/> returns for
    /// its name and tokens (configuration and parameters copied as they are). The file must keep its length (ML.NET's
    /// header records where the entry's parts end), so the last token of a shortened vocabulary is lengthened with
    /// '~' until it does.
    /// </summary>
    public static byte[] RewriteVocabularies(byte[] zip, Func<string, string[], string[]> vocabulary) => EditEntry(zip, (bytes, at) =>
    {
        int length = BitConverter.ToInt32(bytes, at - 4);
        ModelFile source;
        using (var s = new MemoryStream(bytes, at, length, writable: false)) source = ModelFile.Read(s);
        ConfigurationMap to = source.Configuration;
        var vocabularies = source.Vocabularies.Select(v => (v.Key, Tokens: vocabulary(v.Key, v.Value))).ToList();
        for (int pad = 0; pad < 64; pad++)
        {
            var file = new ModelFile();
            foreach (string key in to.Keys) CopyEntry(to, file.Configuration, key);
            foreach (var (name, tokens) in vocabularies)
                file.AddVocabulary(name, tokens.Length < source.GetVocabulary(name).Count ? [.. tokens[..^1], tokens[^1] + new string('~', pad)] : tokens);
            foreach (NamedTensor p in source.Parameters) file.AddParameter(p);
            using var output = new MemoryStream();
            file.Write(output);
            if (output.Length != length) continue;
            output.ToArray().CopyTo(bytes, at);
            return;
        }
        throw new InvalidOperationException("No padding keeps the file's length.");
    });

    private static void CopyEntry(ConfigurationMap from, ConfigurationMap to, string key)
    {
        switch (from.KindOf(key))
        {
            case ConfigurationValueKind.String: to.Set(key, from.GetString(key)); break;
            case ConfigurationValueKind.Int32: to.Set(key, from.GetInt32(key)); break;
            case ConfigurationValueKind.Int64: to.Set(key, from.GetInt64(key)); break;
            case ConfigurationValueKind.Single: to.Set(key, from.GetSingle(key)); break;
            case ConfigurationValueKind.Double: to.Set(key, from.GetDouble(key)); break;
            case ConfigurationValueKind.Boolean: to.Set(key, from.GetBoolean(key)); break;
            case ConfigurationValueKind.Int32Array: to.Set(key, from.GetInt32Array(key)); break;
            case ConfigurationValueKind.Int64Array: to.Set(key, from.GetInt64Array(key)); break;
            case ConfigurationValueKind.SingleArray: to.Set(key, from.GetSingleArray(key)); break;
            case ConfigurationValueKind.StringArray: to.Set(key, from.GetStringArray(key)); break;
            default: throw new NotSupportedException(key);
        }
    }

    /// <summary>The bytes of the first engine model file in the zip (magic to checksum).</summary>
    public static byte[] EngineFile(byte[] zip)
    {
        byte[] file = [];
        EditEntry(zip, (bytes, at) => file = bytes.AsSpan(at, BitConverter.ToInt32(bytes, at - 4)).ToArray());
        return file;
    }

    private static byte[] Finish(MemoryStream stream, ZipArchive archive)
    {
        archive.Dispose();
        return stream.ToArray();
    }

    /// <summary>Edits the engine model file's bytes (magic first) in place, then rewrites its CRC-32 so only the edit is wrong.</summary>
    public static byte[] EditModelBytes(byte[] zip, Action<Span<byte>> edit) => EditEntry(zip, (bytes, at) =>
    {
        int length = BitConverter.ToInt32(bytes, at - 4);
        Span<byte> file = bytes.AsSpan(at, length);
        edit(file);
        BitConverter.TryWriteBytes(file[^4..], Crc32(file[8..^4]));
    });

    /// <summary>Replaces every occurrence of <paramref name="from"/> by <paramref name="to"/> (same length) inside the engine model file.</summary>
    public static byte[] ReplaceText(byte[] zip, string from, string to) => EditModelBytes(zip, file =>
    {
        byte[] a = System.Text.Encoding.UTF8.GetBytes(from), b = System.Text.Encoding.UTF8.GetBytes(to);
        if (a.Length != b.Length) throw new ArgumentException("Same length only.");
        int found = 0;
        for (int i; (i = file.IndexOf(a)) >= 0; found++) b.CopyTo(file[i..]);
        if (found == 0) throw new InvalidOperationException($"\"{from}\" is not in the model file.");
    });

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>Replaces the engine model file by <paramref name="craft"/>'s edit of it, rewritten with a valid checksum; the length must not change.</summary>
    public static byte[] EditModelFile(byte[] zip, Action<ModelFile> craft) => EditEntry(zip, (bytes, at) =>
    {
        int length = BitConverter.ToInt32(bytes, at - 4);
        ModelFile file;
        using (var s = new MemoryStream(bytes, at, length, writable: false)) file = ModelFile.Read(s);
        craft(file);
        using var output = new MemoryStream();
        file.Write(output);
        if (output.Length != length) throw new InvalidOperationException($"The crafted file is {output.Length} bytes, the original {length}.");
        output.ToArray().CopyTo(bytes, at);
    });
}
