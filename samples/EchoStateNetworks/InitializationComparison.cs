using MLNet.Recurrent.Core.Layers;
using System.Text;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Parameters;

namespace EchoStateNetworksSample;

/// <summary>
/// ESN initialization (each recurrent gate block N(0, 1) rescaled to spectral radius 1.1) against the default
/// orthogonal one, on the recall task of tests/MLNet.Recurrent.Core.Tests/Training/LearningTests.cs: remember a
/// symbol across 1..50 random distractors (16,000 fresh sequences, 500 Adam steps), tested at lag 50; then a character
/// LSTM on the first 200 KB of Austen (the setup of AustenTests: H = 96, truncated BPTT over 48 steps, 300 steps).
/// </summary>
internal static class InitializationComparison
{
    private const int Symbols = 8, Lag = 50;

    public static void Run()
    {
        Console.WriteLine("50-step recall (8 symbols, H = 24, Adam 0.01, batch 32, 500 steps); test: 1,000 sequences at lag 50");
        Console.WriteLine($"  {"cell",8} {"initialization",22} {"accuracy",9} {"loss (nats)",12}");
        foreach (CellType cell in (CellType[])[CellType.RnnTanh, CellType.Lstm, CellType.Gru])
            foreach (var (init, radius, label) in new[] { (RecurrentInitialization.Orthogonal, 1.1, "orthogonal (default)"), (RecurrentInitialization.EchoState, 1.1, "echo state, radius 1.1"), (RecurrentInitialization.EchoState, 0.9, "echo state, radius 0.9") })
            {
                var network = new SequenceNetwork(new SequenceNetworkOptions
                {
                    InputVocabularySize = 2 * Symbols + 1, EmbeddingSize = 8, Cell = cell, HiddenSize = 24, OutputSize = Symbols,
                    Initialization = init, EchoStateSpectralRadius = radius,
                });
                network.Initialize(seed: 3);
                var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
                {
                    LearningRate = 0.01, BatchSize = 32, Epochs = 1, ValidationFraction = 0, Seed = 3,
                });
                trainer.Fit(Recall(16000, seed: 4, mixedLags: true));
                var test = trainer.Evaluate(Recall(1000, seed: 5, mixedLags: false));
                Console.WriteLine($"  {cell,8} {label,22} {test.Accuracy,9:P1} {test.Loss,12:F3}");
            }
    }

    public static void RunCharacterModel()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "austen.txt"));
        var buffer = new byte[200 * 1024];
        int read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: true);
        string text = Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\uFFFD');
        int cut = (int)(text.Length * 0.95);
        var vocabulary = CharVocabulary.Build(text[..cut]);
        int[] train = vocabulary.Encode(text[..cut]), validation = vocabulary.Encode(text[cut..]);
        Console.WriteLine("Character LSTM (H = 96, E = 32) on the first 200 KB of Austen, 300 steps of 32 x 48 characters, Adam 0.01; validation bits/char:");
        Console.WriteLine($"  {"initialization",22} {"step 100",9} {"step 200",9} {"step 300",9}");
        foreach (var (init, label) in new[] { (RecurrentInitialization.Orthogonal, "orthogonal (default)"), (RecurrentInitialization.EchoState, "echo state, radius 1.1") })
        {
            var network = new SequenceNetwork(new SequenceNetworkOptions
            {
                InputVocabularySize = vocabulary.Count, EmbeddingSize = 32, Cell = CellType.Lstm, HiddenSize = 96,
                PerStepOutput = true, OutputSize = vocabulary.Count, Initialization = init,
            });
            network.Initialize(seed: 1);
            var trainer = new StreamTrainer(network, new StreamTrainerOptions
            {
                LearningRate = 0.01, BatchSize = 32, SequenceLength = 48, Steps = 300, EvaluateEvery = 100, Patience = 0, Seed = 1, ValidationTracks = 8,
            });
            var result = trainer.Fit(train, validation);
            Console.WriteLine($"  {label,22} " + string.Join(" ", result.History.Select(r => $"{r.Validation!.BitsPerToken,9:F3}")));
        }
    }

    private static InMemorySequences Recall(int count, int seed, bool mixedLags)
    {
        var random = new DeterministicRandom(seed);
        var tokens = new int[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int lag = mixedLags ? 1 + random.Next(Lag) : Lag;
            var x = new int[lag + 2];
            labels[i] = x[0] = random.Next(Symbols);
            for (int t = 1; t <= lag; t++) x[t] = Symbols + random.Next(Symbols);
            x[lag + 1] = 2 * Symbols;
            tokens[i] = x;
        }
        return InMemorySequences.Classified(tokens, labels);
    }
}
