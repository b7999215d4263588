using System.Buffers.Binary;
using MLNet.Recurrent.Core.Serialization.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Serialization;

public sealed partial class ModelFile
{
    internal static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'L', (byte)'N', (byte)'R', (byte)'N', (byte)'N', 0x1A];

    internal const int HeaderLength = 20; // magic, version, payload length
    internal const uint ConfigurationTag = 0x464E4F43; // "CONF"
    internal const uint VocabulariesTag = 0x42434F56;  // "VOCB"
    internal const uint ParametersTag = 0x4D524150;    // "PARM"
    internal const uint OptimizerTag = 0x4D54504F;     // "OPTM"
    internal const uint TrainingTag = 0x54535254;      // "TRST"

    /// <summary>Writes the file to <paramref name="stream"/> at its current position.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var w = new PayloadWriter();
        Section(w, ConfigurationTag, w => WriteMap(w, Configuration));
        Section(w, VocabulariesTag, w =>
        {
            w.WriteInt32(_vocabularies.Count);
            foreach (var (name, tokens) in _vocabularies)
            {
                w.WriteString(name);
                w.WriteInt32(tokens.Length);
                foreach (string t in tokens) w.WriteString(t);
            }
        });
        Section(w, ParametersTag, w =>
        {
            w.WriteInt32(_parameters.Count);
            foreach (var p in _parameters)
            {
                w.WriteString(p.Name);
                w.WriteInt32(p.Shape.Length);
                foreach (int d in p.Shape) w.WriteInt32(d);
                w.WriteSingles(p.Data);
            }
        });
        if (OptimizerState is { } state)
        {
            Section(w, OptimizerTag, w =>
            {
                w.WriteString(state.Kind);
                w.WriteInt64(state.Step);
                w.WriteDouble(state.LearningRate);
                w.WriteInt32(state.Arrays.Count);
                foreach (var (name, values) in state.Arrays)
                {
                    w.WriteString(name);
                    w.WriteInt32(values.Length);
                    w.WriteSingles(values);
                }
            });
        }
        if (TrainingState is { } training) Section(w, TrainingTag, w => WriteMap(w, training));

        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], w.Length);
        uint crc = Crc32.Append(Crc32.Compute(header[8..]), w.Written);
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(header);
        stream.Write(w.Written);
        stream.Write(trailer);
    }

    private static void Section(PayloadWriter w, uint tag, Action<PayloadWriter> body)
    {
        w.WriteUInt32(tag);
        int lengthAt = w.ReserveInt64();
        int start = w.Length;
        body(w);
        w.PatchInt64(lengthAt, w.Length - start);
    }

    private static void WriteMap(PayloadWriter w, ConfigurationMap map)
    {
        w.WriteInt32(map.Count);
        foreach (string key in map.Keys)
        {
            var kind = map.KindOf(key);
            object value = map.RawValue(key);
            w.WriteString(key);
            w.WriteByte((byte)kind);
            switch (kind)
            {
                case ConfigurationValueKind.String: w.WriteString((string)value); break;
                case ConfigurationValueKind.Int32: w.WriteInt32((int)value); break;
                case ConfigurationValueKind.Int64: w.WriteInt64((long)value); break;
                case ConfigurationValueKind.Single: w.WriteSingle((float)value); break;
                case ConfigurationValueKind.Double: w.WriteDouble((double)value); break;
                case ConfigurationValueKind.Boolean: w.WriteByte((bool)value ? (byte)1 : (byte)0); break;
                case ConfigurationValueKind.Int32Array:
                    var ints = (int[])value;
                    w.WriteInt32(ints.Length);
                    foreach (int x in ints) w.WriteInt32(x);
                    break;
                case ConfigurationValueKind.Int64Array:
                    var longs = (long[])value;
                    w.WriteInt32(longs.Length);
                    foreach (long x in longs) w.WriteInt64(x);
                    break;
                case ConfigurationValueKind.SingleArray:
                    var floats = (float[])value;
                    w.WriteInt32(floats.Length);
                    w.WriteSingles(floats);
                    break;
                case ConfigurationValueKind.StringArray:
                    var strings = (string[])value;
                    w.WriteInt32(strings.Length);
                    foreach (string s in strings) w.WriteString(s);
                    break;
                default: throw new InvalidOperationException($"Unknown configuration kind {kind}.");
            }
        }
    }
}
