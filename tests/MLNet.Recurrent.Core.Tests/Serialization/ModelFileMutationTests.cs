using System.Buffers.Binary;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Serialization.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Serialization;

/// <summary>
/// Issue 14, deterministic mutation test: thousands of seeded mutations of a real network file, each with its checksum
/// repaired so it reaches the parser, are read back. Every one either loads or raises <see cref="InvalidDataException"/>,
/// and none allocates more than a bound.
/// </summary>
public sealed class ModelFileMutationTests(ITestOutputHelper output)
{
    private const int Mutations = 10_000;
    private const long AllocationBound = 64L << 20;

    private static (byte[] Original, Action<Stream> Read) Reader(string kind) => kind switch
    {
        "sequence network" => (Original(), s => SequenceNetwork.ReadFrom(ModelFile.Read(s))),
        "echo state network" => (EchoState(), s => EchoStateNetwork.Load(s)),
        "reservoir classifier" => (Saved(Classifier().Save), s => ReservoirClassifier.Load(s)),
        "reservoir forecaster" => (Saved(Forecaster().Save), s => ReservoirForecaster.Load(s)),
        "encoder-decoder" => (EncoderDecoderFile(), s => EncoderDecoder.ReadFrom(ModelFile.Read(s))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] Saved(Action<Stream> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }

    private static ReservoirClassifier Classifier()
    {
        var random = new Random(3);
        var sequences = Enumerable.Range(0, 12).Select(i => Enumerable.Range(0, 10).Select(_ => random.NextDouble() + i % 3).ToArray()).ToList();
        var options = new EchoStateNetworkOptions { InputSize = 2, OutputSize = 3, ReservoirSize = 12, SpectralRadius = 0.9, Washout = 0, Seed = 4 };
        return ReservoirClassifier.Fit(options, sequences, Enumerable.Range(0, 12).Select(i => i % 3).ToList());
    }

    private static ReservoirForecaster Forecaster()
    {
        var options = new EchoStateNetworkOptions { ReservoirSize = 12, SpectralRadius = 0.9, LeakRate = 0.4, Washout = 10, Seed = 4 };
        return ReservoirForecaster.Fit(options, [MackeyGlass.Generate(120)]);
    }

    private static byte[] EchoState()
    {
        var options = new EchoStateNetworkOptions { ReservoirSize = 20, SpectralRadius = 0.9, LeakRate = 0.4, Ridge = 1e-6, Washout = 20, Seed = 4 };
        var esn = EchoStateNetwork.FitForecaster(options, MackeyGlass.Generate(200));
        using var stream = new MemoryStream();
        esn.Save(stream);
        return stream.ToArray();
    }

    private static byte[] EncoderDecoderFile()
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions { SourceVocabularySize = 9, TargetVocabularySize = 8, EmbeddingSize = 4, HiddenSize = 5, AttentionSize = 3 });
        network.Initialize(seed: 3);
        var file = new ModelFile();
        network.WriteTo(file);
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    private static byte[] Original()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 9, EmbeddingSize = 4, Cell = CellType.Gru, HiddenSize = 5, Layers = 2, Bidirectional = true, OutputSize = 3,
        });
        network.Initialize(seed: 2);
        var file = new ModelFile();
        network.WriteTo(file);
        file.AddVocabulary("classes", ["a", "b", "c"]);
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    private static readonly int[] Interesting = [0, 1, -1, 2, 255, 65536, 1 << 20, 1 << 30, int.MaxValue, int.MinValue, 1_000_000];

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] bytes = (byte[])original.Clone();
        int payloadEnd = bytes.Length - 4;
        switch (random.Next(4))
        {
            case 0: // flip one bit
                bytes[random.Next(8, payloadEnd)] ^= (byte)(1 << random.Next(8));
                break;
            case 1: // an interesting int32 anywhere in the payload (counts, lengths, dimensions, config values)
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(random.Next(20, payloadEnd - 4)), Interesting[random.Next(Interesting.Length)]);
                break;
            case 2: // a random byte
                bytes[random.Next(20, payloadEnd)] = (byte)random.Next(256);
                break;
            default: // cut the payload short and say so in the header
                int keep = random.Next(0, payloadEnd - 20);
                bytes = [.. bytes.AsSpan(0, 20 + keep), .. new byte[4]];
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), keep);
                payloadEnd = bytes.Length - 4;
                break;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(payloadEnd), Crc32.Compute(bytes.AsSpan(8, payloadEnd - 8)));
        return bytes;
    }

    [Theory]
    [InlineData("sequence network")]
    [InlineData("echo state network")]
    [InlineData("reservoir classifier")]
    [InlineData("reservoir forecaster")]
    [InlineData("encoder-decoder")]
    public void Every_seeded_mutation_of_a_network_file_loads_or_raises_InvalidDataException_within_the_allocation_bound(string kind)
    {
        var (original, read) = Reader(kind);
        var random = new Random(14);
        int loaded = 0, rejected = 0;
        long worst = 0;
        for (int i = 0; i < Mutations; i++)
        {
            byte[] mutant = Mutate(original, random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var stream = new MemoryStream(mutant, writable: false);
                read(stream);
                loaded++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Mutation {i} raised {e.GetType().Name}: {e.Message}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worst = Math.Max(worst, allocated);
            Assert.True(allocated < AllocationBound, $"Mutation {i} allocated {allocated:N0} bytes (file: {mutant.Length:N0})");
        }
        output.WriteLine($"{kind}: {Mutations} mutations of a {original.Length:N0}-byte file: {loaded} loaded, {rejected} rejected; most allocated by one: {worst:N0} bytes");
        Assert.True(rejected > Mutations / 4, $"only {rejected} rejected: the mutations do not reach the checks");
    }
}
