using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

public class SequenceLabelingNetworkTests(ITestOutputHelper output)
{
    private static SequenceBatch FrameBatch(int seed, int frameSize = 3, int classes = 3, int[]? lengths = null)
    {
        var rng = new Random(seed);
        lengths ??= [4, 2, 3];
        var batch = new SequenceBatch();
        batch.Reset(lengths.Length, lengths.Max(), frameSize, perStepTargets: true);
        for (int b = 0; b < lengths.Length; b++)
        {
            batch.SetFrames(b, Enumerable.Range(0, lengths[b] * frameSize).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
            batch.SetStepTargets(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(classes)).ToArray());
        }
        return batch;
    }

    private static double CheckGradients(SequenceNetwork network, SequenceBatch batch, ITestOutputHelper output)
    {
        network.Parameters.ZeroGradients();
        network.Forward(batch, training: false);
        network.Backward();
        var analytic = (float[])network.Parameters.Gradients.Clone();
        return GradientCheck.MaxRelativeError(
            () => network.Forward(batch, training: false),
            network.Parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, network.Parameters.Values, p.Offset, p.Length, analytic, p.Offset)),
            output, eps: 1e-2f, floor: 1e-3, maxPerTarget: 40);
    }

    [Theory]
    [InlineData(CellType.Lstm, true)]
    [InlineData(CellType.Gru, false)]
    public void Crf_network_gradients_match_finite_differences_through_the_recurrent_stack(CellType cell, bool bidirectional)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            FrameSize = 3, Cell = cell, HiddenSize = 4, Bidirectional = bidirectional, PerStepOutput = true, OutputSize = 3,
            OutputLayer = SequenceOutputLayer.Crf,
        });
        network.Initialize(seed: 5);
        using var batch = FrameBatch(seed: 2);
        double error = CheckGradients(network, batch, output);
        Assert.Contains("crf.transitions", network.Parameters.Parameters.Select(p => p.Name));
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
    }

    [Fact]
    public void Crf_network_loss_is_the_brute_force_path_negative_log_likelihood_per_step()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            FrameSize = 2, Cell = CellType.Gru, HiddenSize = 3, PerStepOutput = true, OutputSize = 3, OutputLayer = SequenceOutputLayer.Crf,
        });
        network.Initialize(seed: 8);
        using var batch = FrameBatch(seed: 4, frameSize: 2, lengths: [3]);
        double loss = network.Forward(batch, training: false);
        // Emissions are the linear layer's outputs; enumerate all 3^3 paths of the one sequence.
        network.RunInference(batch);
        float[] e = network.Logits.Span.ToArray();
        var crf = network.Crf!;
        float[] a = crf.Transitions.Value.ToArray(), s = crf.StartTransitions.Value.ToArray(), end = crf.EndTransitions.Value.ToArray();
        int[] gold = batch.Targets.ToArray();
        double Score(int[] y) => s[y[0]] + e[y[0]] + a[y[0] * 3 + y[1]] + e[3 + y[1]] + a[y[1] * 3 + y[2]] + e[6 + y[2]] + end[y[2]];
        double z = 0;
        for (int p = 0; p < 27; p++) z += Math.Exp(Score([p / 9, p / 3 % 3, p % 3]));
        double expected = (Math.Log(z) - Score(gold)) / 3;
        output.WriteLine($"loss {loss:F6} brute force {expected:F6}");
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void Class_weights_make_the_loss_the_weighted_mean_of_the_step_losses()
    {
        SequenceNetwork Build(float[]? w)
        {
            var n = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 3, HiddenSize = 4, PerStepOutput = true, OutputSize = 3, ClassWeights = w });
            n.Initialize(seed: 1);
            return n;
        }
        using var batch = FrameBatch(seed: 6);
        using var plain = Build(null);
        using var weighted = Build([1f, 4f, 0.5f]);
        using var probabilities = new Tensor(0);
        plain.Predict(batch, probabilities);
        double num = 0, den = 0;
        float[] w = [1f, 4f, 0.5f];
        ReadOnlySpan<int> targets = batch.Targets;
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] == SequenceBatch.IgnoreTarget) continue;
            num += w[targets[i]] * -Math.Log(probabilities.Span[i * 3 + targets[i]]);
            den += w[targets[i]];
        }
        double loss = weighted.Forward(batch, training: false);
        Assert.Equal(num / den, loss, 5);
        Assert.NotEqual(plain.Forward(batch, training: false), loss, 3);
    }

    [Fact]
    public void Class_weights_for_a_crf_or_of_the_wrong_count_are_rejected_naming_the_option()
    {
        var crf = Assert.Throws<ArgumentException>(() => new SequenceNetwork(new SequenceNetworkOptions
        { FrameSize = 2, PerStepOutput = true, OutputSize = 2, OutputLayer = SequenceOutputLayer.Crf, ClassWeights = [1f, 2f] }));
        Assert.Contains("'ClassWeights'", crf.Message);
        var count = Assert.Throws<ArgumentException>(() => new SequenceNetwork(new SequenceNetworkOptions
        { FrameSize = 2, PerStepOutput = true, OutputSize = 3, ClassWeights = [1f, 2f] }));
        Assert.Contains("OutputSize = 3", count.Message);
        var pooled = Assert.Throws<ArgumentException>(() => new SequenceNetwork(new SequenceNetworkOptions
        { FrameSize = 2, OutputSize = 3, OutputLayer = SequenceOutputLayer.Crf }));
        Assert.Contains("'PerStepOutput'", pooled.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pushing_steps_one_at_a_time_gives_the_batch_labels_and_probabilities(bool frames)
    {
        const int K = 4;
        var network = new SequenceNetwork(frames
            ? new SequenceNetworkOptions { FrameSize = 3, Cell = CellType.Lstm, HiddenSize = 12, Layers = 2, PerStepOutput = true, OutputSize = K }
            : new SequenceNetworkOptions { InputVocabularySize = 9, EmbeddingSize = 5, Cell = CellType.Gru, HiddenSize = 12, PerStepOutput = true, OutputSize = K });
        network.Initialize(seed: 2);
        var rng = new Random(3);
        int[] lengths = [7, 4];
        var batch = new SequenceBatch();
        batch.Reset(2, 7, frames ? 3 : 0, perStepTargets: true);
        var inputs = new List<float[]>();
        var tokens = new List<int[]>();
        for (int b = 0; b < 2; b++)
        {
            if (frames)
            {
                inputs.Add(Enumerable.Range(0, lengths[b] * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray());
                batch.SetFrames(b, inputs[b]);
            }
            else
            {
                tokens.Add(Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(9)).ToArray());
                batch.SetTokens(b, tokens[b]);
            }
        }
        var labels = new int[7 * 2];
        using var probabilities = new Tensor(0);
        network.Label(batch, labels, probabilities);

        var stream = new SequenceLabelStream(network);
        double worst = 0;
        for (int b = 0; b < 2; b++)
        {
            stream.Reset();
            for (int t = 0; t < lengths[b]; t++)
            {
                int label = frames ? stream.Push(inputs[b].AsSpan(t * 3, 3)) : stream.Push(tokens[b][t]);
                Assert.Equal(labels[t * 2 + b], label);
                for (int k = 0; k < K; k++) worst = Math.Max(worst, Math.Abs(stream.Probabilities[k] - probabilities.Span[(t * 2 + b) * K + k]));
            }
            Assert.Equal(lengths[b], stream.Position);
        }
        Assert.Equal(-1, labels[5 * 2 + 1]); // padding of the shorter sequence
        output.WriteLine($"stream vs batch max |probability diff| {worst:E2}");
        Assert.True(worst < 1e-5, $"max |diff| {worst:E2}");
    }

    [Fact]
    public void A_stream_over_a_bidirectional_or_crf_network_is_refused_naming_why()
    {
        var bi = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 2, HiddenSize = 3, Bidirectional = true, PerStepOutput = true, OutputSize = 2 });
        Assert.Contains("Bidirectional = True", Assert.Throws<InvalidOperationException>(() => new SequenceLabelStream(bi)).Message);
        var crf = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 2, HiddenSize = 3, PerStepOutput = true, OutputSize = 2, OutputLayer = SequenceOutputLayer.Crf });
        Assert.Contains("'OutputLayer' was Crf", Assert.Throws<InvalidOperationException>(() => new SequenceLabelStream(crf)).Message);
    }

    [Fact]
    public void A_crf_network_written_and_read_back_labels_by_viterbi_with_marginal_probabilities()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, HiddenSize = 5, Bidirectional = true, PerStepOutput = true, OutputSize = 3,
            OutputLayer = SequenceOutputLayer.Crf,
        });
        network.Initialize(seed: 11);
        // Strong transitions make Viterbi differ from per-step argmax somewhere.
        network.Crf!.Transitions.Value.Fill(0f);
        network.Crf.Transitions.Value[0 * 3 + 1] = 3f;
        var file = new ModelFile();
        network.WriteTo(file);
        using var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        using var loaded = SequenceNetwork.ReadFrom(ModelFile.Read(stream));
        Assert.Equal(SequenceOutputLayer.Crf, loaded.Options.OutputLayer);

        var batch = new SequenceBatch();
        batch.Reset(2, 5, 0, perStepTargets: true);
        batch.SetTokens(0, [1, 2, 3, 4, 5]);
        batch.SetTokens(1, [6, 0, 2]);
        var l1 = new int[10];
        var l2 = new int[10];
        using var p1 = new Tensor(0);
        using var p2 = new Tensor(0);
        network.Label(batch, l1, p1);
        loaded.Label(batch, l2, p2);
        Assert.Equal(l1, l2);
        Assert.Equal(p1.Span.ToArray(), p2.Span.ToArray());
        var viterbi = new int[10];
        network.RunInference(batch);
        network.Logits.Resize(5, 2, 3);
        network.Crf.Decode(network.Logits, batch.Lengths, viterbi);
        Assert.Equal(viterbi, l1);
        for (int row = 0; row < 10; row++)
        {
            float sum = p1.Span.Slice(row * 3, 3).ToArray().Sum();
            Assert.Equal(row / 2 < batch.Lengths[row % 2] ? 1f : 0f, sum, 4);
        }
    }

    private static SequenceBatch CharacterBatch(int seed)
    {
        var rng = new Random(seed);
        int[] lengths = [4, 2, 3];
        var batch = new SequenceBatch();
        batch.Reset(lengths.Length, 4, 0, perStepTargets: true);
        for (int b = 0; b < lengths.Length; b++)
        {
            batch.SetTokens(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(5)).ToArray());
            int[] counts = Enumerable.Range(0, lengths[b]).Select(_ => 1 + rng.Next(4)).ToArray();
            batch.SetTokenCharacters(b, Enumerable.Range(0, counts.Sum()).Select(_ => 1 + rng.Next(6)).ToArray(), counts);
            batch.SetStepTargets(b, Enumerable.Range(0, lengths[b]).Select(_ => rng.Next(3)).ToArray());
        }
        return batch;
    }

    [Theory]
    [InlineData(SequenceOutputLayer.Softmax)]
    [InlineData(SequenceOutputLayer.Crf)]
    public void Character_feature_gradients_match_finite_differences_through_the_character_lstm(SequenceOutputLayer layer)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 5, EmbeddingSize = 3, HiddenSize = 4, Bidirectional = true, PerStepOutput = true, OutputSize = 3,
            OutputLayer = layer, CharacterVocabularySize = 7, CharacterEmbeddingSize = 3, CharacterHiddenSize = 2,
        });
        network.Initialize(seed: 4);
        using var batch = CharacterBatch(seed: 5);
        double error = CheckGradients(network, batch, output);
        Assert.Contains("char_rnn.weight_hh_l0_reverse", network.Parameters.Parameters.Select(p => p.Name));
        Assert.Contains("char_embedding.weight", network.Parameters.Parameters.Select(p => p.Name));
        Assert.True(error < 2e-2, $"max relative error {error:E2}");
    }

    [Fact]
    public void With_character_features_an_unknown_word_is_labelled_from_its_spelling()
    {
        // Every token id is 1 (<unk>): only the spelling tells the class: words ending in 's' are class 1.
        var rng = new Random(7);
        int[][] tokens = new int[60][], labels = new int[60][];
        int[][][] chars = new int[60][][];
        for (int i = 0; i < 60; i++)
        {
            int n = 2 + rng.Next(4);
            tokens[i] = Enumerable.Repeat(1, n).ToArray();
            chars[i] = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 2 + rng.Next(4)).Select(_ => 2 + rng.Next(8)).ToArray()).ToArray();
            labels[i] = chars[i].Select(w => w[^1] == 9 ? 1 : 0).ToArray();
        }
        using var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 2, EmbeddingSize = 4, HiddenSize = 8, Bidirectional = true, PerStepOutput = true, OutputSize = 2,
            CharacterVocabularySize = 10, CharacterEmbeddingSize = 6, CharacterHiddenSize = 8,
        });
        network.Initialize(seed: 1);
        var result = new SequenceTrainer(network, new SequenceTrainerOptions { Epochs = 40, BatchSize = 10, LearningRate = 1e-2, ValidationFraction = 0.2, Patience = 0 })
            .Fit(InMemorySequences.LabelledWithCharacters(tokens, chars, labels));
        output.WriteLine($"validation accuracy {result.BestValidation!.Accuracy:P1} (loss {result.BestValidation.Loss:F4})");
        Assert.True(result.BestValidation.Accuracy > 0.95, $"accuracy {result.BestValidation.Accuracy}");
    }
}
