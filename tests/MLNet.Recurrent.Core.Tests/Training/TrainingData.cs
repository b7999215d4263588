using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>Small seeded problems and networks shared by the trainer tests.</summary>
internal static class TrainingData
{
    /// <summary>Token sequences of lengths 3..12 over ids 0..5, labelled by whether id 1 occurs more often than id 2 (ties: 2).</summary>
    public static InMemorySequences Counting(int count, int seed)
    {
        var random = new DeterministicRandom(seed);
        var tokens = new int[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var x = new int[3 + random.Next(10)];
            for (int t = 0; t < x.Length; t++) x[t] = random.Next(6);
            int ones = x.Count(v => v == 1), twos = x.Count(v => v == 2);
            labels[i] = ones > twos ? 0 : ones < twos ? 1 : 2;
            tokens[i] = x;
        }
        return InMemorySequences.Classified(tokens, labels);
    }

    public static SequenceNetwork Classifier(CellType cell, int seed, float dropout = 0f, int layers = 1)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 6, EmbeddingSize = 5, Cell = cell, HiddenSize = 8, Layers = layers, Dropout = dropout,
            Pooling = SequencePoolingMode.Mean, OutputSize = 3,
        });
        network.Initialize(seed);
        return network;
    }

    /// <summary>A token stream with structure to learn: a noisy counter over 7 symbols.</summary>
    public static int[] Stream(int length, int seed)
    {
        var random = new DeterministicRandom(seed);
        var stream = new int[length];
        for (int i = 1; i < length; i++) stream[i] = random.Next(5) == 0 ? random.Next(7) : (stream[i - 1] + 1) % 7;
        return stream;
    }

    public static SequenceNetwork LanguageModel(CellType cell, int seed, float dropout = 0f, int layers = 1, int hidden = 8)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = cell, HiddenSize = hidden, Layers = layers, Dropout = dropout,
            PerStepOutput = true, OutputSize = 7,
        });
        network.Initialize(seed);
        return network;
    }

    /// <summary>Reports synchronously on the training thread (unlike <see cref="Progress{T}"/>).</summary>
    public sealed class Reports(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> All { get; } = [];

        public void Report(TrainingProgress value)
        {
            All.Add(value);
            onReport?.Invoke(value);
        }
    }

    public static byte[] Bytes(TrainingCheckpoint checkpoint)
    {
        var stream = new MemoryStream();
        checkpoint.Write(stream);
        return stream.ToArray();
    }

    public static TrainingCheckpoint Read(byte[] bytes) => TrainingCheckpoint.Read(new MemoryStream(bytes));
}
