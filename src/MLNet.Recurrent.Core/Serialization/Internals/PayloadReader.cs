using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Serialization.Internals;

/// <summary>
/// Reads what <see cref="PayloadWriter"/> wrote from an in-memory payload. Every count is checked against the bytes
/// that remain before anything is allocated, so a corrupt or hostile count raises <see cref="InvalidDataException"/>
/// instead of allocating gigabytes.
/// </summary>
internal ref struct PayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _base;
    private int _position;

    /// <param name="data">The bytes to read.</param>
    /// <param name="baseOffset">Where <paramref name="data"/> starts in the file, for messages.</param>
    public PayloadReader(ReadOnlySpan<byte> data, long baseOffset)
    {
        _data = data;
        _base = baseOffset;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly long Offset => _base + _position;

    public byte ReadByte(string what) => Take(1, what)[0];

    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>An element count, checked: zero or positive and <c>count * minimumElementSize</c> within the remaining bytes.</summary>
    public int ReadCount(string what, int minimumElementSize)
    {
        long at = Offset;
        int count = ReadInt32(what);
        CheckCount(what, count, minimumElementSize, at);
        return count;
    }

    public readonly void CheckCount(string what, long count, int minimumElementSize, long at)
    {
        if (count < 0) ThrowHelper.InvalidData($"{what} at byte {at}", count, "a count must be zero or positive");
        if (count * minimumElementSize > Remaining)
            ThrowHelper.InvalidData($"{what} at byte {at}", count, $"that needs at least {count * minimumElementSize} bytes but only {Remaining} remain; the file is corrupt");
    }

    public string ReadString(string what)
    {
        int count = ReadCount(what + " (length)", 1);
        long at = Offset;
        var bytes = Take(count, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            ThrowHelper.InvalidData($"{what} at byte {at}", $"{count} bytes", "a string must be valid UTF-8");
            return null!;
        }
    }

    public float[] ReadSingles(int count, string what)
    {
        CheckCount(what, count, 4, Offset);
        var bytes = Take(count * 4, what);
        var values = new float[count];
        if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return values;
    }

    /// <summary>A reader over the next <paramref name="length"/> bytes (a section), which this reader skips.</summary>
    public PayloadReader Slice(long length, string what)
    {
        long at = Offset;
        if (length < 0 || length > Remaining)
            ThrowHelper.InvalidData($"{what} length at byte {at}", length, $"only {Remaining} bytes remain in the payload; the file is corrupt");
        var sub = new PayloadReader(_data.Slice(_position, (int)length), Offset);
        _position += (int)length;
        return sub;
    }

    /// <summary>Requires every byte to have been read (a section holds exactly what it says).</summary>
    public readonly void ExpectEnd(string what)
    {
        if (Remaining != 0) ThrowHelper.InvalidData($"{what} ending at byte {_base + _data.Length}", $"{Remaining} unread bytes", "a section must hold exactly its contents");
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining)
            ThrowHelper.InvalidData($"{what} at byte {Offset}", $"{count} bytes", $"only {Remaining} remain; the file is corrupt");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
