using System.Buffers.Binary;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Serialization;

public sealed partial class ModelFile
{
    /// <summary>
    /// Reads a model file from <paramref name="stream"/> at its current position. The header is checked first
    /// (magic, version, payload length against what the stream holds), then the checksum over the whole payload,
    /// and only then the contents; no size read from the stream is allocated before it is checked.
    /// </summary>
    /// <param name="stream">A readable stream; left open, positioned after the file.</param>
    /// <exception cref="InvalidDataException">The stream is truncated, corrupt, not a model file, or of an unknown version.</exception>
    public static ModelFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderLength];
        int got = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        if (got < Magic.Length || !header[..Magic.Length].SequenceEqual(Magic))
        {
            if (got >= Magic.Length || !header[..got].SequenceEqual(Magic[..got]))
                ThrowHelper.InvalidData("The magic number", Convert.ToHexString(header[..Math.Min(got, Magic.Length)]),
                    $"a model file starts with {Convert.ToHexString(Magic)} (\"\\x89MLNRNN\\x1A\")");
        }
        if (got < HeaderLength) ThrowHelper.InvalidData("The stream's length", got, $"a model file's header alone is {HeaderLength} bytes; the file is truncated");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion) ThrowHelper.InvalidData("The format version", version, $"this reader knows version {FormatVersion} only");
        long length = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        if (length < 0 || length > MaxPayloadLength)
            ThrowHelper.InvalidData("The payload length", length, $"it must be between 0 and {MaxPayloadLength} bytes; the file is corrupt");
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (length + 4 > remaining)
                ThrowHelper.InvalidData("The payload length", length, $"the stream holds only {remaining} more bytes, and a checksum follows the payload; the file is truncated");
        }

        byte[] payload = ReadPayload(stream, (int)length);
        Span<byte> trailer = stackalloc byte[4];
        int trailerGot = stream.ReadAtLeast(trailer, 4, throwOnEndOfStream: false);
        if (trailerGot < 4) ThrowHelper.InvalidData("The stream's length", HeaderLength + length + trailerGot, $"the header promises {HeaderLength + length + 4}; the file is truncated");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint actual = Crc32.Append(Crc32.Compute(header[8..]), payload);
        if (stored != actual)
            ThrowHelper.InvalidData("The stored checksum", $"0x{stored:X8}", $"the contents' CRC-32 is 0x{actual:X8}; the file is corrupt");

        return Parse(payload);
    }

    private static byte[] ReadPayload(Stream stream, int length)
    {
        if (stream.CanSeek)
        {
            var all = new byte[length]; // bounded above by the bytes the stream holds
            int n = stream.ReadAtLeast(all, length, throwOnEndOfStream: false);
            if (n < length) ThrowHelper.InvalidData("The stream's length", HeaderLength + n, $"the header promises {HeaderLength + length + 4}; the file is truncated");
            return all;
        }
        // A stream of unknown length: grow with what actually arrives, so a lying length cannot allocate more than it sends.
        var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(length, 1 << 20)];
        while (buffer.Length < length)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, length - buffer.Length));
            if (n == 0) ThrowHelper.InvalidData("The stream's length", HeaderLength + buffer.Length, $"the header promises {HeaderLength + (long)length + 4}; the file is truncated");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static ModelFile Parse(ReadOnlySpan<byte> payload)
    {
        var file = new ModelFile();
        var r = new PayloadReader(payload, HeaderLength);
        var seen = new HashSet<uint>();
        while (r.Remaining > 0)
        {
            long at = r.Offset;
            uint tag = r.ReadUInt32("section tag");
            long length = r.ReadInt64("section length");
            string name = TagName(tag);
            if (!seen.Add(tag)) ThrowHelper.InvalidData($"Section at byte {at}", name, "each section may appear once");
            var s = r.Slice(length, $"section {name}");
            switch (tag)
            {
                case ConfigurationTag: ReadMap(ref s, file.Configuration, "configuration"); break;
                case VocabulariesTag: ReadVocabularies(ref s, file); break;
                case ParametersTag: ReadParameters(ref s, file); break;
                case OptimizerTag: file.OptimizerState = ReadOptimizer(ref s); break;
                case TrainingTag:
                    file.TrainingState = new ConfigurationMap();
                    ReadMap(ref s, file.TrainingState, "training state");
                    break;
                default: continue; // a section from a later writer: skipped whole
            }
            s.ExpectEnd($"section {name}");
        }
        return file;
    }

    private static void ReadMap(ref PayloadReader r, ConfigurationMap map, string what)
    {
        int count = r.ReadCount($"{what} entry count", 6);
        for (int i = 0; i < count; i++)
        {
            long keyAt = r.Offset;
            string key = r.ReadString($"{what} key");
            if (key.Length == 0) ThrowHelper.InvalidData($"The {what} key at byte {keyAt}", key, "keys must not be empty");
            long at = r.Offset;
            var kind = (ConfigurationValueKind)r.ReadByte($"{what} \"{key}\" kind");
            if (map.Contains(key)) ThrowHelper.InvalidData($"{what} key at byte {at}", key, "each key may appear once");
            object value = kind switch
            {
                ConfigurationValueKind.String => r.ReadString(key),
                ConfigurationValueKind.Int32 => r.ReadInt32(key),
                ConfigurationValueKind.Int64 => r.ReadInt64(key),
                ConfigurationValueKind.Single => r.ReadSingle(key),
                ConfigurationValueKind.Double => r.ReadDouble(key),
                ConfigurationValueKind.Boolean => ReadBoolean(ref r, key),
                ConfigurationValueKind.Int32Array => ReadArray(ref r, key, 4, (ref PayloadReader x) => x.ReadInt32(key)),
                ConfigurationValueKind.Int64Array => ReadArray(ref r, key, 8, (ref PayloadReader x) => x.ReadInt64(key)),
                ConfigurationValueKind.SingleArray => r.ReadSingles(r.ReadCount(key, 4), key),
                ConfigurationValueKind.StringArray => ReadArray(ref r, key, 4, (ref PayloadReader x) => x.ReadString(key)),
                _ => Unknown(kind, key, at),
            };
            map.Put(key, kind, value);
        }
    }

    private delegate T ElementReader<T>(ref PayloadReader r);

    private static T[] ReadArray<T>(ref PayloadReader r, string what, int minimumSize, ElementReader<T> element)
    {
        int count = r.ReadCount(what, minimumSize);
        var values = new T[count];
        for (int i = 0; i < count; i++) values[i] = element(ref r);
        return values;
    }

    private static bool ReadBoolean(ref PayloadReader r, string what)
    {
        long at = r.Offset;
        byte b = r.ReadByte(what);
        if (b > 1) ThrowHelper.InvalidData($"Boolean \"{what}\" at byte {at}", b, "it must be 0 or 1");
        return b == 1;
    }

    private static object Unknown(ConfigurationValueKind kind, string key, long at)
    {
        ThrowHelper.InvalidData($"The kind of configuration value \"{key}\" at byte {at}", (byte)kind, "it must be one of 1 to 10");
        return null!;
    }

    private static void ReadVocabularies(ref PayloadReader r, ModelFile file)
    {
        int count = r.ReadCount("vocabulary count", 8);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString("vocabulary name");
            string[] tokens = ReadArray(ref r, $"vocabulary \"{name}\" size", 4, (ref PayloadReader x) => x.ReadString($"token of \"{name}\""));
            if (file.FindVocabulary(name) is not null) ThrowHelper.InvalidData("A vocabulary name", name, "each vocabulary may appear once");
            file._vocabularies.Add(new(name, tokens));
        }
    }

    private static void ReadParameters(ref PayloadReader r, ModelFile file)
    {
        int count = r.ReadCount("parameter count", 8);
        for (int i = 0; i < count; i++)
        {
            long nameAt = r.Offset;
            string name = r.ReadString("parameter name");
            if (name.Length == 0) ThrowHelper.InvalidData($"The parameter name at byte {nameAt}", name, "names must not be empty");
            int rank = r.ReadCount($"rank of \"{name}\"", 4);
            var shape = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                long at = r.Offset;
                shape[d] = r.ReadInt32($"dimension {d} of \"{name}\"");
                if (shape[d] <= 0) ThrowHelper.InvalidData($"Dimension {d} of \"{name}\" at byte {at}", shape[d], "it must be positive");
                elements *= shape[d];
                r.CheckCount($"element count of \"{name}\"", elements, 4, at);
            }
            float[] data = r.ReadSingles((int)elements, $"values of \"{name}\"");
            if (file._parameters.Any(p => p.Name == name)) ThrowHelper.InvalidData("A parameter name", name, "each parameter may appear once");
            file._parameters.Add(new NamedTensor(name, shape, data));
        }
    }

    private static OptimizerState ReadOptimizer(ref PayloadReader r)
    {
        string kind = r.ReadString("optimizer kind");
        long step = r.ReadInt64("optimizer step");
        if (step < 0) ThrowHelper.InvalidData("The optimizer step", step, "it must be zero or positive");
        double learningRate = r.ReadDouble("optimizer learning rate");
        int count = r.ReadCount("optimizer array count", 8);
        var arrays = new List<KeyValuePair<string, float[]>>(count);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString("optimizer array name");
            arrays.Add(new(name, r.ReadSingles(r.ReadCount($"length of optimizer array \"{name}\"", 4), name)));
        }
        try
        {
            return new OptimizerState(kind, step, learningRate, arrays);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The optimizer state is invalid: {e.Message}", e);
        }
    }

    private static string TagName(uint tag)
    {
        Span<char> c = [(char)(tag & 0xFF), (char)((tag >> 8) & 0xFF), (char)((tag >> 16) & 0xFF), (char)(tag >> 24)];
        foreach (char ch in c)
            if (ch < 0x20 || ch > 0x7E) return $"0x{tag:X8}";
        return new string(c);
    }
}
