using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNet.Recurrent.Core.Serialization.Internals;

/// <summary>Appends little-endian primitives, length-prefixed UTF-8 strings and float arrays to a growing buffer.</summary>
internal sealed class PayloadWriter
{
    private byte[] _buffer = new byte[4096];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => Take(1)[0] = value;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    /// <summary>An int32 byte count, then the UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    /// <summary>The values only (the caller writes the count where the format wants it).</summary>
    public void WriteSingles(ReadOnlySpan<float> values)
    {
        Span<byte> target = Take(checked(values.Length * 4));
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(target);
        else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], values[i]);
    }

    /// <summary>Reserves an int64 to be filled by <see cref="PatchInt64"/> once a section's length is known.</summary>
    public int ReserveInt64()
    {
        int at = _length;
        Take(8);
        return at;
    }

    public void PatchInt64(int at, long value) => BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(at, 8), value);

    private Span<byte> Take(int count)
    {
        if (_length + (long)count > _buffer.Length)
        {
            long size = Math.Max(_length + (long)count, 2L * _buffer.Length);
            if (size > Array.MaxLength)
            {
                if (_length + (long)count > Array.MaxLength)
                    throw new InvalidOperationException($"The model payload would exceed {Array.MaxLength} bytes, the largest this format version writes.");
                size = Array.MaxLength;
            }
            Array.Resize(ref _buffer, (int)size);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
