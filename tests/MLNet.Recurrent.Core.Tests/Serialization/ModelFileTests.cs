using System.Buffers.Binary;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Serialization.Internals;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Serialization;

public sealed class ModelFileTests(ITestOutputHelper output)
{
    private static ModelFile Sample()
    {
        var file = new ModelFile();
        file.Configuration.Set("cell", "lstm");
        file.Configuration.Set("hidden_size", 32);
        file.Configuration.Set("tokens_seen", 1L << 40);
        file.Configuration.Set("dropout", 0.25f);
        file.Configuration.Set("clip", 1e-300);
        file.Configuration.Set("bidirectional", true);
        file.Configuration.Set("layer_sizes", new[] { 8, 16, 4 }.AsSpan());
        file.Configuration.Set("seeds", new[] { -1L, long.MaxValue }.AsSpan());
        file.Configuration.Set("scales", new[] { float.NaN, -0f, float.Epsilon }.AsSpan());
        file.Configuration.Set("columns", new[] { "Text", "Ünïcødé ✓", "" }.AsSpan());
        file.AddVocabulary("chars", ["<pad>", "a", "b", "é", "🙂"]);
        file.AddVocabulary("labels", []);
        var set = new ParameterSet();
        var random = new DeterministicRandom(4);
        Initializers.Uniform(set.Add("rnn.weight_ih_l0", 12, 5), 1, random);
        Initializers.Uniform(set.Add("rnn.bias_ih_l0", 12), 1, random);
        Initializers.Uniform(set.Add("head.weight", 2, 3, 4), 1, random);
        file.AddParameters(set);
        file.OptimizerState = new OptimizerState("Adam", 17, 3e-4,
            [new("exp_avg", Enumerable.Range(0, 116).Select(i => i * 0.5f).ToArray()), new("exp_avg_sq", new float[116])]);
        file.TrainingState = new ConfigurationMap();
        file.TrainingState.Set("step", 17L);
        return file;
    }

    private static byte[] Bytes(ModelFile file)
    {
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Write_then_read_round_trips_exactly()
    {
        var original = Sample();
        byte[] bytes = Bytes(original);
        var read = ModelFile.Read(new MemoryStream(bytes));

        var c = read.Configuration;
        Assert.Equal(original.Configuration.Keys, c.Keys);
        Assert.Equal("lstm", c.GetString("cell"));
        Assert.Equal(32, c.GetInt32("hidden_size"));
        Assert.Equal(1L << 40, c.GetInt64("tokens_seen"));
        Assert.Equal(0.25f, c.GetSingle("dropout"));
        Assert.Equal(1e-300, c.GetDouble("clip"));
        Assert.True(c.GetBoolean("bidirectional"));
        Assert.Equal([8, 16, 4], c.GetInt32Array("layer_sizes"));
        Assert.Equal([-1L, long.MaxValue], c.GetInt64Array("seeds"));
        Assert.Equal(
            original.Configuration.GetSingleArray("scales").Select(BitConverter.SingleToInt32Bits),
            c.GetSingleArray("scales").Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(["Text", "Ünïcødé ✓", ""], c.GetStringArray("columns"));
        Assert.Equal(["<pad>", "a", "b", "é", "🙂"], read.GetVocabulary("chars"));
        Assert.Empty(read.GetVocabulary("labels"));

        Assert.Equal(original.Parameters.Select(p => p.ToString()), read.Parameters.Select(p => p.ToString()));
        for (int i = 0; i < original.Parameters.Count; i++) Assert.Equal(original.Parameters[i].Data, read.Parameters[i].Data);
        Assert.Equal("Adam", read.OptimizerState!.Kind);
        Assert.Equal(17, read.OptimizerState.Step);
        Assert.Equal(3e-4, read.OptimizerState.LearningRate);
        Assert.Equal(original.OptimizerState!.Arrays.Select(a => a.Key), read.OptimizerState.Arrays.Select(a => a.Key));
        Assert.Equal(original.OptimizerState.Find("exp_avg"), read.OptimizerState.Find("exp_avg"));
        Assert.Equal(17L, read.TrainingState!.GetInt64("step"));

        // Writing what was read gives the same bytes: nothing is lost or reordered.
        Assert.Equal(bytes, Bytes(read));
        output.WriteLine($"sample file: {bytes.Length} bytes");
    }

    [Fact]
    public void Parameters_load_into_a_rebuilt_set_and_shape_mismatch_is_named()
    {
        var file = ModelFile.Read(new MemoryStream(Bytes(Sample())));
        var set = file.ToParameterSet();
        Assert.Equal(file.Parameters[2].Data, set["head.weight"].Value.ToArray());
        Assert.Equal([2, 3, 4], set["head.weight"].Shape.ToArray());

        var wrong = new ParameterSet();
        wrong.Add("rnn.weight_ih_l0", 12, 6);
        wrong.Add("rnn.bias_ih_l0", 12);
        wrong.Add("head.weight", 2, 3, 4);
        var e = Assert.Throws<ArgumentException>(() => file.CopyParametersTo(wrong));
        Assert.Contains("rnn.weight_ih_l0[12, 6]", e.Message);
        Assert.Contains("rnn.weight_ih_l0[12, 5]", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]      // inside the magic
    [InlineData(15)]     // inside the header
    [InlineData(200)]    // inside the payload
    [InlineData(-2)]     // inside the checksum
    public void TruncatedStreamIsRejected(int keep)
    {
        byte[] bytes = Bytes(Sample());
        int length = keep >= 0 ? keep : bytes.Length + keep;
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes, 0, length)));
        output.WriteLine($"{length} of {bytes.Length} bytes: {e.Message}");
        Assert.Contains("truncated", e.Message);
        // The same through a stream that cannot seek (the chunked read path).
        e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new UnseekableStream(bytes.AsSpan(0, length).ToArray())));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Corrupted_byte_fails_the_checksum()
    {
        byte[] bytes = Bytes(Sample());
        int at = bytes.Length / 2;
        bytes[at] ^= 0x10;
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        output.WriteLine(e.Message);
        Assert.StartsWith("The stored checksum was \"0x", e.Message);
        Assert.Contains("the contents' CRC-32 is 0x", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_rejected()
    {
        byte[] bytes = Bytes(Sample());
        bytes[1] = (byte)'X';
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        output.WriteLine(e.Message);
        Assert.Contains("\"89584C4E524E4E1A\"", e.Message);
        Assert.Contains("894D4C4E524E4E1A", e.Message);
    }

    [Fact]
    public void Unknown_version_is_rejected()
    {
        byte[] bytes = Bytes(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 7);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        Assert.Equal("The format version was 7; this reader knows version 1 only.", e.Message);
    }

    [Fact]
    public void Giant_payload_length_in_header_is_rejected_before_allocating()
    {
        byte[] bytes = Bytes(Sample());
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), 1L << 40);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        Assert.Contains("The payload length was 1099511627776", e.Message);
        // Within the format's maximum but beyond the stream: refused from the stream's length (seekable) ...
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), int.MaxValue / 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{e.Message} (allocated {allocated} bytes)");
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
        // ... or by reading only what arrives (unseekable): a 1 GiB claim over a few hundred bytes allocates about a chunk.
        before = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new UnseekableStream(bytes)));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"unseekable: {e.Message} (allocated {allocated} bytes)");
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Giant_count_inside_a_valid_payload_is_rejected_before_allocating()
    {
        // A file whose checksum is right but whose parameter element count is enormous: what a buggy writer or
        // a crafted file would give. The reader must refuse it from the bytes that remain.
        var file = new ModelFile();
        file.AddParameter(new NamedTensor("w", [2, 2], [1, 2, 3, 4]));
        byte[] bytes = Bytes(file);
        int dims = IndexOf(bytes, [1, 0, 0, 0, (byte)'w', 2, 0, 0, 0]) + 9; // name "w", rank 2, then the dims
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(dims), 1 << 30);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(dims + 4), 1 << 30);
        Reseal(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{e.Message} (allocated {allocated} bytes)");
        Assert.Contains("Element count of \"w\"", e.Message);
        Assert.Contains("was 1073741824", e.Message); // 2^30 elements after the first dimension already exceed the file
        Assert.True(allocated < 1 << 20);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("pattern not found");
    }

    /// <summary>Recomputes the trailing checksum after a deliberate edit.</summary>
    private static void Reseal(byte[] bytes)
    {
        uint crc = Crc32.Compute(bytes.AsSpan(8, bytes.Length - 12));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), crc);
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
