using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// One model and batch shape of the PyTorch reference script (<c>torch_rnn_bench.py</c>): a character language model
/// (embedding, stacked cells, linear to V at every step, cross-entropy over all B*T positions) or a classifier (the same
/// with the linear on the last step only, cross-entropy over B).
/// </summary>
public sealed record RecurrentConfig(
    string Id, CellType Cell, bool LanguageModel, int Vocabulary, int Embedding, int Hidden, int Layers, int Batch, int Steps, int Classes)
{
    /// <summary>a: char LM, LSTM 2 x 256, embedding 64, V 65, B 32, T 64.</summary>
    public static readonly RecurrentConfig A = new("a", CellType.Lstm, true, 65, 64, 256, 2, 32, 64, 65);

    /// <summary>b: char LM, LSTM 1 x 512, B 64, T 100.</summary>
    public static readonly RecurrentConfig B = new("b", CellType.Lstm, true, 65, 64, 512, 1, 64, 100, 65);

    /// <summary>c: classifier, V 10000, embedding 128, LSTM 128, 2 classes from the last step, B 32, T 200.</summary>
    public static readonly RecurrentConfig C = new("c", CellType.Lstm, false, 10000, 128, 128, 1, 32, 200, 2);

    /// <summary>d: as a with a GRU.</summary>
    public static readonly RecurrentConfig D = new("d", CellType.Gru, true, 65, 64, 256, 2, 32, 64, 65);

    /// <summary>f: as a with a vanilla tanh RNN.</summary>
    public static readonly RecurrentConfig F = new("f", CellType.RnnTanh, true, 65, 64, 256, 2, 32, 64, 65);

    /// <summary>e: the classifier of c on one sequence of 100 steps (latency).</summary>
    public static readonly RecurrentConfig E = C with { Id = "e", Batch = 1, Steps = 100 };

    /// <summary>The throughput configurations, in the script's order.</summary>
    public static readonly RecurrentConfig[] Throughput = [A, B, C, D, F];

    /// <summary>B*T: the tokens one step processes.</summary>
    public int Tokens => Batch * Steps;

    /// <summary>Finds a configuration by id (a, b, c, d, e, f).</summary>
    public static RecurrentConfig Get(string id) => id switch
    {
        "a" => A, "b" => B, "c" => C, "d" => D, "e" => E, "f" => F,
        _ => throw new ArgumentException($"'id' was '{id}'; it must be one of a, b, c, d, e, f.", nameof(id)),
    };

    /// <summary>The network, seeded.</summary>
    public SequenceNetwork BuildNetwork(int seed = 1)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = Vocabulary,
            EmbeddingSize = Embedding,
            Cell = Cell,
            HiddenSize = Hidden,
            Layers = Layers,
            PerStepOutput = LanguageModel,
            Pooling = SequencePoolingMode.Last,
            OutputSize = Classes,
        });
        network.Initialize(seed);
        return network;
    }

    /// <summary>A full batch (every sequence T long) of seeded random tokens and targets.</summary>
    public SequenceBatch BuildBatch(int seed = 2)
    {
        var random = new Random(seed);
        var batch = new SequenceBatch();
        batch.Reset(Batch, Steps, 0, perStepTargets: LanguageModel);
        var ids = new int[Steps];
        for (int b = 0; b < Batch; b++)
        {
            for (int t = 0; t < Steps; t++) ids[t] = random.Next(Vocabulary);
            batch.SetTokens(b, ids);
            if (LanguageModel)
            {
                for (int t = 0; t < Steps; t++) ids[t] = random.Next(Classes);
                batch.SetStepTargets(b, ids);
            }
            else batch.SetTarget(b, random.Next(Classes));
        }
        return batch;
    }
}
