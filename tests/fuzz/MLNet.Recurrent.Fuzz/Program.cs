using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using SharpFuzz;

namespace MLNet.Recurrent.Fuzz;

/// <summary>
/// SharpFuzz targets for AFL++ (tests/fuzz/README.md), and the command that writes their seed corpus.
/// <list type="bullet">
/// <item><c>modelfile</c>: the engine model-file reader (<c>ModelFile.Read</c>, then <c>SequenceNetwork.ReadFrom</c>,
/// <c>EncoderDecoder.ReadFrom</c> and <c>CharLanguageModel.Read</c>); the CRC-32 is repaired first so mutations reach the parser.</item>
/// <item><c>zip</c>: <c>mlContext.Model.Load</c> of a saved zip whose recurrent component's entry is the input
/// (first byte: which template zip; the rest: the entry's bytes, ML.NET's header and our blob; our CRC repaired).</item>
/// <item><c>text</c>: the input as UTF-8 text through the tokenizers and vocabularies, and predictions of the saved
/// classifier, labeller, character model and translator (the key and text readers on arbitrary input).</item>
/// </list>
/// Any exception outside the contract, and any input that allocates more than the bound, is a crash.
/// </summary>
internal static class Program
{
    /// <summary>The most one input may allocate (per target; the text target's input is at most 1 MB, AFL++'s default).</summary>
    private const long LoadAllocationBound = 64L << 20, TextAllocationBound = 512L << 20;

    private static readonly byte[] Magic = [0x89, 0x4D, 0x4C, 0x4E, 0x52, 0x4E, 0x4E, 0x1A];

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "seed") return Seeds.Write(args[1]);
        if (args.Length < 1) return Usage();
        string? statsPath = Environment.GetEnvironmentVariable("FUZZ_STATS");
        // Instrumented code may run only inside Fuzzer.Run (before it there is no shared memory to record coverage in),
        // so a target's set-up (loading the saved models) happens in its first call.
        Func<Action<byte[]>> make;
        long bound = LoadAllocationBound;
        switch (args[0])
        {
            case "modelfile":
                make = () => ModelFileTarget;
                break;
            case "zip" when args.Length == 2:
                // Load the library into the default context now (no instrumented code runs before Fuzzer.Run: it would
                // have no shared memory to write to), so ML.NET's loader finds this copy instead of loading its own.
                GC.KeepAlive(typeof(SequenceClassification.SequenceClassificationTransformer).Assembly);
                GC.KeepAlive(typeof(ModelFile).Assembly);
                var templates = Templates(args[1]);
                make = () =>
                {
                    foreach (Template t in templates) new MLContext(seed: 1).Model.Load(new MemoryStream(t.Zip), out _); // warm ML.NET's catalog
                    return bytes => ZipTarget(templates, bytes);
                };
                break;
            case "text" when args.Length == 2:
                string dir = args[1];
                make = () => new TextTarget(dir).Run;
                bound = TextAllocationBound;
                break;
            default:
                return Usage();
        }
        long executions = 0, maxAllocated = 0;
        Action<byte[]>? target = null;
        Fuzzer.Run(stream =>
        {
            target ??= make();
            byte[] bytes = ReadAll(stream);
            long before = GC.GetAllocatedBytesForCurrentThread();
            target(bytes);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > bound) throw new AllocationBoundExceededException($"{bytes.Length} input bytes allocated {allocated:N0} bytes (bound {bound:N0}).");
            maxAllocated = Math.Max(maxAllocated, allocated);
            if (statsPath is not null && ++executions % 1000 == 0) WriteStats(statsPath, maxAllocated);
        });
        if (statsPath is not null) WriteStats(statsPath, maxAllocated);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: MLNet.Recurrent.Fuzz seed <corpus-dir> | modelfile | zip <templates-dir> | text <templates-dir>");
        return 2;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Keeps the largest per-input allocation and peak working set seen by any process of the run (one line, overwritten).</summary>
    private static void WriteStats(string path, long maxAllocated)
    {
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Split(' ') is [string a, string p, ..])
            {
                maxAllocated = Math.Max(maxAllocated, long.Parse(a));
                peak = Math.Max(peak, long.Parse(p));
            }
        }
        catch (FormatException) { }
        File.WriteAllText(path, $"{maxAllocated} {peak} max-bytes-allocated-by-one-input peak-working-set-bytes\n");
    }

    // ---- modelfile ----

    private static void ModelFileTarget(byte[] bytes)
    {
        RepairCrc(bytes, 0, bytes.Length);
        ModelFile file;
        try
        {
            using var s = new MemoryStream(bytes, writable: false);
            file = ModelFile.Read(s);
        }
        catch (InvalidDataException)
        {
            return;
        }
        Expect(() => SequenceNetwork.ReadFrom(file));
        Expect(() => EncoderDecoder.ReadFrom(file));
        Expect(() => ReadStream(bytes, s => EchoStateNetwork.Load(s)));
        Expect(() => ReadStream(bytes, s => ReservoirForecaster.Load(s)));
        Expect(() => ReadStream(bytes, s => ReservoirClassifier.Load(s)));
        Expect(() => ReadStream(bytes, s => CharLanguageModel.Read(s)));
    }

    private static void ReadStream(byte[] bytes, Action<Stream> read)
    {
        using var s = new MemoryStream(bytes, writable: false);
        read(s);
    }

    private static void Expect(Action read)
    {
        try
        {
            read();
        }
        catch (InvalidDataException)
        {
        }
    }

    /// <summary>Rewrites the CRC-32 of an engine model file at <paramref name="at"/> (magic first, CRC-32 of the bytes after the magic in the last 4).</summary>
    private static void RepairCrc(byte[] bytes, int at, int length)
    {
        if (length < Magic.Length + 8 || at < 0 || (long)at + length > bytes.Length || !bytes.AsSpan(at, Magic.Length).SequenceEqual(Magic)) return;
        Span<byte> file = bytes.AsSpan(at, length);
        BitConverter.TryWriteBytes(file[^4..], Crc32(file[8..^4]));
    }

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

    // ---- zip ----

    private sealed record Template(byte[] Zip, string Entry);

    private static Template[] Templates(string dir)
    {
        var result = new List<Template>();
        foreach (string path in Directory.GetFiles(dir, "*.zip").Order(StringComparer.Ordinal))
        {
            byte[] zip = File.ReadAllBytes(path);
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
                if (EntryBytes(entry).AsSpan().IndexOf(Magic) >= 0)
                {
                    result.Add(new Template(zip, entry.FullName));
                    break;
                }
        }
        if (result.Count == 0) throw new InvalidOperationException($"No template zip with a recurrent component in {dir}.");
        return [.. result];
    }

    private static byte[] EntryBytes(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The zip of <paramref name="template"/> with its component's entry replaced by <paramref name="entry"/>.</summary>
    private static byte[] WithEntry(Template template, byte[] entry)
    {
        using var stream = new MemoryStream();
        stream.Write(template.Zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(template.Entry)!.Delete();
            using var w = archive.CreateEntry(template.Entry, CompressionLevel.NoCompression).Open();
            w.Write(entry);
        }
        return stream.ToArray();
    }

    private static void ZipTarget(Template[] templates, byte[] input)
    {
        if (input.Length < 1) return;
        Template template = templates[input[0] % templates.Length];
        byte[] entry = input[1..];
        int at = entry.AsSpan().IndexOf(Magic);
        if (at >= 4) RepairCrc(entry, at, BitConverter.ToInt32(entry, at - 4));
        byte[] zip = WithEntry(template, entry);
        try
        {
            using var s = new MemoryStream(zip, writable: false);
            new MLContext(seed: 1).Model.Load(s, out _);
        }
        catch (Exception e)
        {
            CheckContract(e);
        }
    }

    /// <summary>
    /// The loading contract: our components raise <see cref="InvalidDataException"/> (under ML.NET's reflection wrappers);
    /// an exception thrown from ML.NET's own code (its header, string table, registry) is ML.NET's to report and is
    /// tolerated; any other exception, or one thrown from our code that is not <see cref="InvalidDataException"/>, is a crash.
    /// </summary>
    private static void CheckContract(Exception e)
    {
        Exception inner = e;
        while (inner is TargetInvocationException { InnerException: { } i }) inner = i;
        if (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") is "1") Console.Error.WriteLine(e);
        if (inner is InvalidDataException) return;
        if (inner is OutOfMemoryException or InsufficientExecutionStackException) throw new ContractViolationException(inner);
        foreach (StackFrame frame in new StackTrace(inner).GetFrames())
        {
            string? assembly = frame.GetMethod()?.DeclaringType?.Assembly.GetName().Name;
            if (assembly is null) continue;
            if (assembly.StartsWith("MLNet.Recurrent", StringComparison.Ordinal)) throw new ContractViolationException(inner);
            if (assembly.StartsWith("Microsoft.ML", StringComparison.Ordinal)) return;
        }
        throw new ContractViolationException(inner);
    }

    // ---- text ----

    private sealed class TextTarget
    {
        private readonly PredictionEngine<TextRow, Scores> _classifier;
        private readonly PredictionEngine<WordsRow, Tags> _labeller;
        private readonly LanguageModel.CharLanguageModelTransformer _charModel;
        private readonly Translation.Seq2SeqTranslatorTransformer _translator;
        private readonly TextTokenizer _words = new(TokenizerMode.Word), _characters = new(TokenizerMode.Character, lowercase: false);

        public TextTarget(string dir)
        {
            var ml = new MLContext(seed: 1);
            ITransformer Load(string name) => ml.Model.Load(Path.Combine(dir, name), out _);
            _classifier = ml.Model.CreatePredictionEngine<TextRow, Scores>(Load("classifier.zip"));
            _labeller = ml.Model.CreatePredictionEngine<WordsRow, Tags>(Load("labeller.zip"));
            _charModel = (LanguageModel.CharLanguageModelTransformer)Load("charlm.zip");
            _translator = (Translation.Seq2SeqTranslatorTransformer)Load("translator.zip");
        }

        public void Run(byte[] bytes)
        {
            string text = System.Text.Encoding.UTF8.GetString(bytes);
            string[] words = _words.Tokenize(text);
            string[] characters = _characters.Tokenize(text);
            if (characters.Length == 0 && words.Length > 0) throw new InvalidOperationException("The character tokenizer dropped every character of a text with words.");
            var vocabulary = TokenVocabulary.Build(words);
            int[] ids = vocabulary.Encode(words);
            string[] back = vocabulary.Decode(ids);
            if (!back.SequenceEqual(words)) throw new InvalidOperationException("TokenVocabulary did not round-trip the words it was built from.");
            var chars = CharVocabulary.Build(text);
            if (chars.Decode(chars.Encode(text)) != text) throw new InvalidOperationException("CharVocabulary did not round-trip the text it was built from.");
            KeyVocabulary.KeepFrequent([ids], vocabulary.Count, 2);

            float[] scores = _classifier.Predict(new TextRow { Text = text }).Score;
            if (scores.Any(v => !float.IsFinite(v))) throw new InvalidOperationException("The classifier scored a text non-finite.");
            uint[] tags = _labeller.Predict(new WordsRow { Words = words.Length == 0 ? [""] : words, Tags = [] }).PredictedLabels;
            if (tags.Length != Math.Max(1, words.Length)) throw new InvalidOperationException($"The labeller gave {tags.Length} tags for {words.Length} words.");
            (double logLikelihood, _) = _charModel.Score(text);
            if (double.IsNaN(logLikelihood)) throw new InvalidOperationException("The character model scored a text NaN.");
            if (text.Length <= 200) _translator.Translate(text);
        }
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class WordsRow
    {
        public string[] Words { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private sealed class Tags
    {
        public uint[] PredictedLabels { get; set; } = [];
    }

    private sealed class AllocationBoundExceededException(string message) : Exception(message);

    private sealed class ContractViolationException(Exception inner) : Exception($"{inner.GetType().Name}: {inner.Message}", inner);
}
