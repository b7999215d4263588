using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Tests.Models;

public class SequenceTrainerSplitTests
{
    [Fact]
    public void A_given_validation_set_is_scored_after_every_epoch_and_never_trained_on()
    {
        var rng = new Random(1);
        int[][] Tokens(int n) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => rng.Next(6)).ToArray()).ToArray();
        int[][] train = Tokens(40), validation = Tokens(7);
        using var network = new SequenceNetwork(new SequenceNetworkOptions { InputVocabularySize = 6, EmbeddingSize = 4, HiddenSize = 5, PerStepOutput = true, OutputSize = 6 });
        network.InitializeLikePyTorch(2);
        float bound = 1f / MathF.Sqrt(5);
        Assert.All(network.Parameters.Parameters.Where(p => p.Name.StartsWith("rnn.", StringComparison.Ordinal)),
            p => Assert.True(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(p.Value) <= bound, p.Name));
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions { Epochs = 3, BatchSize = 8, Patience = 0, BucketByLength = false, ValidationFraction = 0.5 });
        // Labels = inputs: the validation loss must fall, and its count is the validation set's steps (not a fraction of train).
        var result = trainer.Fit(InMemorySequences.Labelled(train, train), InMemorySequences.Labelled(validation, validation));
        Assert.Equal(3, result.History.Count);
        Assert.All(result.History, h => Assert.Equal(validation.Sum(v => v.Length), h.Validation!.Count));
        Assert.Equal(15, result.Steps); // 40 training sequences in batches of 8, 3 epochs: ValidationFraction is not used
        Assert.True(result.History[2].Validation!.Loss < result.History[0].Validation!.Loss);
    }

    [Fact]
    public void Shuffled_batches_cover_every_sequence_once_in_consecutive_runs_of_the_batch_size()
    {
        int[][] batches = LengthBuckets.Shuffled(10, 4, new DeterministicRandom(3));
        Assert.Equal([4, 4, 2], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b).Order());
        Assert.NotEqual(Enumerable.Range(0, 10), batches.SelectMany(b => b));
    }
}
