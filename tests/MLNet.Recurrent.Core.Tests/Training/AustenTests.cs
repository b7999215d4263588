using System.Text;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>Truncated BPTT on real text: a character LSTM on the first 200 KB of Jane Austen's novels.</summary>
public sealed class AustenTests(ITestOutputHelper output)
{
    internal static string ReadAusten(int bytes = 200 * 1024)
    {
        // The test project links data/austen/austen.txt into its output directory.
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "austen", "austen.txt"));
        var buffer = new byte[bytes];
        int read = file.ReadAtLeast(buffer, bytes, throwOnEndOfStream: true);
        string text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.TrimEnd('\uFFFD'); // a character cut at the slice's end
    }

    /// <summary>Bits per character of an add-one-smoothed bigram model counted on <paramref name="train"/>, scored on <paramref name="validation"/>.</summary>
    internal static double BigramBitsPerChar(int[] train, int[] validation, int v)
    {
        var counts = new double[v, v];
        var totals = new double[v];
        for (int i = 0; i + 1 < train.Length; i++)
        {
            counts[train[i], train[i + 1]]++;
            totals[train[i]]++;
        }
        double bits = 0;
        for (int i = 0; i + 1 < validation.Length; i++)
            bits -= Math.Log2((counts[validation[i], validation[i + 1]] + 1) / (totals[validation[i]] + v));
        return bits / (validation.Length - 1);
    }

    [Theory]
    [InlineData(128, 64, 300, 0.005)]
    public void Scratch(int h, int k1, int steps, double lr)
    {
        string text = ReadAusten();
        int cut = (int)(text.Length * 0.95);
        var vocabulary = CharVocabulary.Build(text[..cut]);
        var train = vocabulary.Encode(text[..cut]);
        var validation = vocabulary.Encode(text[cut..]);
        double bigram = BigramBitsPerChar(train, validation, vocabulary.Count);
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = vocabulary.Count, EmbeddingSize = 32, Cell = CellType.Lstm, HiddenSize = h,
            PerStepOutput = true, OutputSize = vocabulary.Count,
        });
        network.Initialize(seed: 1);
        var trainer = new StreamTrainer(network, new StreamTrainerOptions
        {
            LearningRate = lr, BatchSize = 32, SequenceLength = k1, Steps = steps, EvaluateEvery = 100, Patience = 0, Seed = 1,
        });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = trainer.Fit(train, validation);
        foreach (var r in result.History) output.WriteLine($"step {r.Step}: train {r.BitsPerToken:F3} bpc, validation {r.Validation!.BitsPerToken:F3} bpc");
        output.WriteLine($"{text.Length} chars, V = {vocabulary.Count}, bigram {bigram:F3} bpc, {sw.Elapsed.TotalSeconds:F1}s");
    }
}
