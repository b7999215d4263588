using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>Transfer from unlabelled text: a classifier's embedding and recurrent layers trained first as language models.</summary>
public class LanguageModelPretrainingTests(ITestOutputHelper output)
{
    private const int Vocabulary = 12;

    // Sequences a language model can learn: each runs up an arithmetic progression mod 11 (ids 1..11) with a step of
    // 1 or 2, so after two tokens the next one is certain; now and then a token is the unknown id 0.
    private static int[][] Sequences(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int start = random.Next(11), step = 1 + random.Next(2), length = 3 + random.Next(8);
            return Enumerable.Range(0, length).Select(t => random.Next(20) == 0 ? 0 : 1 + (start + step * t) % 11).ToArray();
        }).ToArray();
    }

    private static SequenceNetworkOptions ClassifierOptions(bool bidirectional, int layers = 1) => new()
    {
        InputVocabularySize = Vocabulary, EmbeddingSize = 6, Cell = CellType.Lstm, HiddenSize = 10, Layers = layers,
        Bidirectional = bidirectional, Pooling = SequencePoolingMode.Mean, OutputSize = 3, SideInputSize = 4,
    };

    private static SequenceTrainerOptions Training(int epochs = 8, int seed = 5) => new()
    {
        Epochs = epochs, BatchSize = 16, LearningRate = 0.02, ValidationFraction = 0.2, Patience = 0, Seed = seed,
    };

    private static SequenceNetwork Classifier(bool bidirectional, int layers = 1)
    {
        var network = new SequenceNetwork(ClassifierOptions(bidirectional, layers));
        network.Initialize(seed: 1);
        return network;
    }

    [Fact]
    public void pretraining_lowers_the_held_out_next_token_loss_in_both_directions()
    {
        using var classifier = Classifier(bidirectional: true);
        IReadOnlyList<PretrainedDirection> done = LanguageModelPretraining.Run(classifier, Sequences(300, seed: 1), Training());
        Assert.Equal([false, true], done.Select(d => d.Backward));
        foreach (var d in done)
        {
            output.WriteLine($"{(d.Backward ? "backward" : "forward")}: {d.LossBefore:F4} -> {d.LossAfter:F4} nats after {d.Training.Epochs} epochs (uniform: {Math.Log(Vocabulary):F4})");
            // A fresh model is near the uniform ln 12 = 2.48; the progressions leave only the first steps and the
            // 5 % unknown tokens uncertain, so a trained model is far below it.
            Assert.InRange(d.LossBefore, 2.2, 2.8);
            Assert.True(d.LossAfter < 1.2, $"loss after {d.LossAfter}");
        }
    }

    [Fact]
    public void a_unidirectional_classifier_starts_from_exactly_the_language_models_weights()
    {
        int[][] data = Sequences(120, seed: 2);
        using var classifier = Classifier(bidirectional: false, layers: 2);
        float[] outputBefore = classifier.Parameters["output.weight"].Value.ToArray();
        LanguageModelPretraining.Run(classifier, data, Training(epochs: 3));

        // The same language model trained by hand: same shape, seed and data.
        using var lm = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = Vocabulary, EmbeddingSize = 6, Cell = CellType.Lstm, HiddenSize = 10, Layers = 2,
            PerStepOutput = true, OutputSize = Vocabulary,
        });
        lm.Initialize(seed: 5);
        new SequenceTrainer(lm, Training(epochs: 3)).Fit(LanguageModelPretraining.NextTokenData(data, backward: false));
        int compared = 0;
        foreach (var p in lm.Parameters.Parameters.Where(p => !p.Name.StartsWith("output.", StringComparison.Ordinal)))
        {
            Assert.Equal(p.Value.ToArray(), classifier.Parameters[p.Name].Value.ToArray());
            compared++;
        }
        Assert.Equal(9, compared); // the embedding and 4 tensors per layer
        // The classifier's own head is left alone: its output layer as initialised, its side weights zero.
        Assert.Equal(outputBefore, classifier.Parameters["output.weight"].Value.ToArray());
        Assert.All(classifier.Parameters["side.weight"].Value.ToArray(), w => Assert.Equal(0f, w));
    }

    [Fact]
    public void a_bidirectional_classifier_gets_layer_zero_in_both_directions_and_keeps_its_higher_layers()
    {
        using var classifier = Classifier(bidirectional: true, layers: 2);
        using var fresh = Classifier(bidirectional: true, layers: 2);
        LanguageModelPretraining.Run(classifier, Sequences(120, seed: 3), Training(epochs: 2));
        foreach (var p in fresh.Parameters.Parameters)
        {
            bool changed = !p.Value.SequenceEqual(classifier.Parameters[p.Name].Value);
            bool transferred = p.Name == "embedding.weight" || p.Name.EndsWith("_l0", StringComparison.Ordinal) || p.Name.EndsWith("_l0_reverse", StringComparison.Ordinal);
            Assert.True(changed == transferred, $"{p.Name}: changed {changed}, expected {transferred}");
        }
        // The forward and reverse directions came from two different models.
        Assert.False(classifier.Parameters["rnn.weight_hh_l0"].Value.SequenceEqual(classifier.Parameters["rnn.weight_hh_l0_reverse"].Value));
    }

    [Fact]
    public void the_same_seed_gives_the_same_weights_and_another_seed_other_weights()
    {
        int[][] data = Sequences(100, seed: 4);
        float[] Run(int seed)
        {
            using var classifier = Classifier(bidirectional: true);
            LanguageModelPretraining.Run(classifier, data, Training(epochs: 2, seed: seed));
            return classifier.Parameters.Values.ToArray();
        }
        float[] a = Run(7);
        Assert.Equal(a, Run(7));
        Assert.NotEqual(a, Run(8));
    }

    [Fact]
    public void the_backward_model_reads_each_sequence_reversed()
    {
        var forward = LanguageModelPretraining.NextTokenData([[1, 2, 3], [4], [5, 6]], backward: false);
        var backward = LanguageModelPretraining.NextTokenData([[1, 2, 3], [4], [5, 6]], backward: true);
        Assert.Equal(2, forward.Count); // the one-token sequence has nothing to predict
        var batch = new SequenceBatch();
        batch.Reset(1, 2, 0, perStepTargets: true);
        forward.Fill(0, batch, 0);
        Assert.Equal([1, 2], batch.Tokens.ToArray());
        Assert.Equal([2, 3], batch.Targets.ToArray());
        backward.Fill(0, batch, 0);
        Assert.Equal([3, 2], batch.Tokens.ToArray());
        Assert.Equal([2, 1], batch.Targets.ToArray());
    }

    [Fact]
    public void bad_networks_and_sequences_are_named()
    {
        using var frames = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 3, HiddenSize = 4, OutputSize = 2 });
        var e = Assert.Throws<ArgumentException>(() => LanguageModelPretraining.Run(frames, [[1, 2]], Training()));
        Assert.Contains("token inputs", e.Message);

        using var classifier = Classifier(bidirectional: false);
        var e2 = Assert.Throws<ArgumentException>(() => LanguageModelPretraining.Run(classifier, [[1, 2], [3, 12]], Training()));
        Assert.Contains("token id 12", e2.Message);
        Assert.Contains("[0, 12)", e2.Message);

        var e3 = Assert.Throws<ArgumentException>(() => LanguageModelPretraining.Run(classifier, [[1], []], Training()));
        Assert.Contains("2 or more tokens", e3.Message);
    }
}
