using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>
/// The training engine learns what it should, and fails where theory says it must: each test trains a small
/// network from a fixed seed and asserts the level it reaches (measured values in each test's comment).
/// </summary>
public sealed class LearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Vanilla_rnn_learns_hello_exactly()
    {
        // min-char-rnn's example: read "hell", predict "ello". The two l's need different answers, so the
        // hidden state must remember what came before.
        int[] input = [0, 1, 2, 2], target = [1, 2, 2, 3]; // h e l o -> 0 1 2 3
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 4, EmbeddingSize = 4, Cell = CellType.RnnTanh, HiddenSize = 8, PerStepOutput = true, OutputSize = 4,
        });
        network.Initialize(seed: 1);
        var data = InMemorySequences.Labelled([input], [target]);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            Optimizer = OptimizerKind.Adagrad, LearningRate = 0.1, BatchSize = 1, Epochs = 150, ValidationFraction = 0, Seed = 1,
        });
        double before = trainer.Evaluate(data).Loss;
        trainer.Fit(data);
        var after = trainer.Evaluate(data);
        output.WriteLine($"loss {before:F4} -> {after.Loss:F5} nats, accuracy {after.Accuracy:P0}");
        Assert.Equal(1.0, after.Accuracy);
        Assert.True(after.Loss < 0.05, $"loss {after.Loss}");
    }

    /// <summary>Operands a and b, least-significant bit first, as frames (a_t, b_t), one extra step for the carry out.</summary>
    private static (float[] Frames, int[] Sum) Addition(long a, long b, int bits)
    {
        var frames = new float[(bits + 1) * 2];
        var sum = new int[bits + 1];
        long s = a + b;
        for (int t = 0; t <= bits; t++)
        {
            frames[2 * t] = (a >> t) & 1;
            frames[2 * t + 1] = (b >> t) & 1;
            sum[t] = (int)((s >> t) & 1);
        }
        return (frames, sum);
    }

    [Fact]
    public void Rnn_trained_on_8_bit_sums_adds_16_bit_operands()
    {
        var random = new DeterministicRandom(11);
        var frames = new float[1000][];
        var sums = new int[1000][];
        for (int i = 0; i < frames.Length; i++) (frames[i], sums[i]) = Addition(random.Next(256), random.Next(256), 8);
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            FrameSize = 2, Cell = CellType.RnnTanh, HiddenSize = 8, PerStepOutput = true, OutputSize = 2,
        });
        network.Initialize(seed: 2);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            LearningRate = 0.02, BatchSize = 16, Epochs = 8, ValidationFraction = 0.1, Patience = 0, Seed = 2,
        });
        var result = trainer.Fit(InMemorySequences.LabelledFrames(frames, 2, sums));

        const int tests = 1000;
        int exact = 0;
        var batch = new SequenceBatch();
        var probabilities = new Tensor(0);
        batch.Reset(tests, 17, 2, perStepTargets: true);
        var expected = new int[tests][];
        for (int i = 0; i < tests; i++)
        {
            long a = random.Next(1 << 16), b = random.Next(1 << 16);
            var (f, s) = Addition(a, b, 16);
            batch.SetFrames(i, f);
            expected[i] = s;
        }
        network.Predict(batch, probabilities);
        for (int i = 0; i < tests; i++)
        {
            bool right = true;
            for (int t = 0; t < 17 && right; t++)
                right = (probabilities.Span[(t * tests + i) * 2 + 1] > 0.5f ? 1 : 0) == expected[i][t];
            if (right) exact++;
        }
        output.WriteLine($"8-bit validation: loss {result.BestValidation!.Loss:F5}, bit accuracy {result.BestValidation.Accuracy:P2}; 16-bit sums exactly right: {exact}/{tests}");
        Assert.True(exact >= 0.99 * tests, $"{exact}/{tests} 16-bit sums exactly right");
    }

    private const int Symbols = 8, Lag = 50;

    /// <summary>
    /// Step 0 shows one of 8 symbols (ids 0..7), the next <c>lag</c> steps random distractors (ids 8..15), the
    /// last step a query token (16); the class is the first symbol. Training lags are drawn from 1..50, so a
    /// cell can find the memory on short lags and stretch it; tests use lag 50 only.
    /// </summary>
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

    private EvaluationResult TrainRecall(CellType cell)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 2 * Symbols + 1, EmbeddingSize = 8, Cell = cell, HiddenSize = 24, OutputSize = Symbols,
        });
        network.Initialize(seed: 3);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            LearningRate = 0.01, BatchSize = 32, Epochs = 1, ValidationFraction = 0, Seed = 3,
        });
        // Fresh sequences every step (one epoch of 16000): memorizing the distractors is no way out.
        var result = trainer.Fit(Recall(16000, seed: 4, mixedLags: true));
        var test = trainer.Evaluate(Recall(1000, seed: 5, mixedLags: false));
        output.WriteLine($"{cell}: {result.Steps} steps; lag-50 recall accuracy {test.Accuracy:P1}, loss {test.Loss:F3} nats (chance {1.0 / Symbols:P1}, ln 8 = {Math.Log(Symbols):F3})");
        return test;
    }

    [Fact]
    public void Gated_cells_recall_a_symbol_50_steps_back_and_vanilla_rnn_does_not()
    {
        // Measured (500 steps each, H = 24): LSTM 100.0% (loss 0.003), GRU 100.0% (0.002), vanilla tanh RNN
        // 24.5% (1.45 nats). The vanilla RNN's error signal from step 50 back to step 0 vanishes; what it keeps
        // (about one bit: loss ln 8 - 1.45 = 0.63 nats) is a saturated unit latching, not a learned memory.
        // The same task in PyTorch 1.13 with lag 50 only (no short lags) stays at chance for every cell after
        // 1000 steps: the short lags are the curriculum that lets the gated cells find the memory at all.
        var lstm = TrainRecall(CellType.Lstm);
        var gru = TrainRecall(CellType.Gru);
        var rnn = TrainRecall(CellType.RnnTanh);
        Assert.True(lstm.Accuracy >= 0.95, $"LSTM {lstm.Accuracy:P1}");
        Assert.True(gru.Accuracy >= 0.95, $"GRU {gru.Accuracy:P1}");
        Assert.True(rnn.Accuracy < 0.30, $"vanilla RNN {rnn.Accuracy:P1}");
        Assert.True(rnn.Loss > 1.0 && lstm.Loss < 0.1 && gru.Loss < 0.1, $"losses: RNN {rnn.Loss:F3}, LSTM {lstm.Loss:F3}, GRU {gru.Loss:F3}");
    }
}
