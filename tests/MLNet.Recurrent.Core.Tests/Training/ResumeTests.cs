using MLNet.Recurrent.Core.Layers;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>
/// Both trainers stopped after k steps and resumed from the checkpoint (written to bytes and read back, into a
/// network rebuilt with other weights) end bit-identical to the run that never stopped: same weights, same best
/// validation, same history. Dropout is on, so the dropout generators' states matter too.
/// </summary>
public sealed class ResumeTests(ITestOutputHelper output)
{
    private static SequenceTrainerOptions SequenceOptions(int checkpointEvery = 0) => new()
    {
        LearningRate = 0.02, BatchSize = 16, Epochs = 4, ValidationFraction = 0.2, Patience = 0, Seed = 7, ReportEvery = 1,
        CheckpointEvery = checkpointEvery,
    };

    // 120 sequences, 96 for training: 6 batches per epoch, 24 steps.
    [Theory]
    [InlineData(3)]    // inside the first epoch
    [InlineData(6)]    // the last batch of epoch 1, before its evaluation
    [InlineData(17)]   // inside epoch 3, after two evaluations (best weights and history in the checkpoint)
    public void Sequence_trainer_resumed_after_k_steps_ends_bit_identical(int k)
    {
        var data = TrainingData.Counting(120, seed: 1);
        var straightNetwork = TrainingData.Classifier(CellType.Gru, seed: 2, dropout: 0.2f, layers: 2);
        byte[]? saved = null;
        var straight = new SequenceTrainer(straightNetwork, SequenceOptions(checkpointEvery: k))
        {
            OnCheckpoint = c => saved ??= TrainingData.Bytes(c),
        };
        var expected = straight.Fit(data);

        var resumedNetwork = TrainingData.Classifier(CellType.Gru, seed: 99, dropout: 0.2f, layers: 2);
        var checkpoint = TrainingData.Read(saved!);
        Assert.Equal(k, checkpoint.Step);
        var actual = new SequenceTrainer(resumedNetwork, SequenceOptions()).Resume(checkpoint, data);

        output.WriteLine($"k = {k}: {expected.Steps} steps, best validation loss {expected.BestValidation!.Loss:F6}, checkpoint {saved!.Length} bytes");
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Epochs, actual.Epochs);
        Assert.Equal(expected.BestValidation, actual.BestValidation);
        Assert.Equal(expected.History.Select(h => (h.Epoch, h.Step, h.Loss, h.GradientNorm, h.Validation)),
            actual.History.Select(h => (h.Epoch, h.Step, h.Loss, h.GradientNorm, h.Validation)));
        Assert.Equal(straightNetwork.Parameters.Values, resumedNetwork.Parameters.Values);
        Assert.True(expected.History[^1].Validation!.Accuracy > 0.5, $"the run should learn something: {expected.History[^1].Validation}");
    }

    [Fact]
    public void Sequence_trainer_resumed_after_cancellation_ends_bit_identical()
    {
        var data = TrainingData.Counting(120, seed: 1);
        var straightNetwork = TrainingData.Classifier(CellType.Lstm, seed: 2, dropout: 0.2f, layers: 2);
        new SequenceTrainer(straightNetwork, SequenceOptions()).Fit(data);

        var network = TrainingData.Classifier(CellType.Lstm, seed: 2, dropout: 0.2f, layers: 2);
        using var cancel = new CancellationTokenSource();
        var first = new SequenceTrainer(network, SequenceOptions()).Fit(data, new TrainingData.Reports(r =>
        {
            if (r.Step == 10) cancel.Cancel();
        }), cancel.Token);
        Assert.True(first.Canceled);
        Assert.Equal(10, first.Steps);
        var checkpoint = TrainingData.Read(TrainingData.Bytes(first.Checkpoint!));
        var resumed = new SequenceTrainer(network, SequenceOptions()).Resume(checkpoint, data);
        Assert.False(resumed.Canceled);
        Assert.Null(resumed.Checkpoint);
        Assert.Equal(straightNetwork.Parameters.Values, network.Parameters.Values);
    }

    private static StreamTrainerOptions StreamOptions(int checkpointEvery = 0, int reportEvery = 10, int k1 = 4, int k2 = 12) => new()
    {
        LearningRate = 0.02, BatchSize = 4, SequenceLength = k1, BackpropSteps = k2, Steps = 40, EvaluateEvery = 10,
        Patience = 0, Seed = 3, CheckpointEvery = checkpointEvery, ReportEvery = reportEvery,
    };

    // 400 training tokens, 4 tracks of 99 steps: 24 chunks of 4 per pass, so 40 steps wrap around the stream once.
    [Theory]
    [InlineData(2)]    // the state ring not yet full
    [InlineData(13)]   // after an evaluation, the ring full (k2 / k1 = 3 states)
    [InlineData(26)]   // after the stream wrapped around
    public void Stream_trainer_resumed_after_k_steps_ends_bit_identical(int k)
    {
        var stream = TrainingData.Stream(500, seed: 4);
        var train = stream.AsMemory(0, 400);
        var validation = stream.AsMemory(400);
        var straightNetwork = TrainingData.LanguageModel(CellType.Lstm, seed: 5, dropout: 0.1f, layers: 2);
        byte[]? saved = null;
        var straight = new StreamTrainer(straightNetwork, StreamOptions(checkpointEvery: k))
        {
            OnCheckpoint = c => saved ??= TrainingData.Bytes(c),
        };
        var expected = straight.Fit(train, validation);

        var resumedNetwork = TrainingData.LanguageModel(CellType.Lstm, seed: 77, dropout: 0.1f, layers: 2);
        var checkpoint = TrainingData.Read(saved!);
        var actual = new StreamTrainer(resumedNetwork, StreamOptions()).Resume(checkpoint, train, validation);

        output.WriteLine($"k = {k}: validation {expected.History[0].Validation!.BitsPerToken:F4} -> {expected.BestValidation!.BitsPerToken:F4} bits/token over {expected.Epochs} passes, checkpoint {saved!.Length} bytes");
        Assert.Equal(2, expected.Epochs);
        Assert.Equal(expected.BestValidation, actual.BestValidation);
        Assert.Equal(expected.History.Select(h => (h.Epoch, h.Step, h.Loss, h.Validation)), actual.History.Select(h => (h.Epoch, h.Step, h.Loss, h.Validation)));
        Assert.Equal(straightNetwork.Parameters.Values, resumedNetwork.Parameters.Values);
    }

    [Fact]
    public void Stream_trainer_resumed_after_cancellation_ends_bit_identical()
    {
        var stream = TrainingData.Stream(500, seed: 4);
        var (train, validation) = (stream.AsMemory(0, 400), stream.AsMemory(400));
        var straightNetwork = TrainingData.LanguageModel(CellType.Gru, seed: 5);
        new StreamTrainer(straightNetwork, StreamOptions()).Fit(train, validation);

        var network = TrainingData.LanguageModel(CellType.Gru, seed: 5);
        using var cancel = new CancellationTokenSource();
        var first = new StreamTrainer(network, StreamOptions(reportEvery: 1)).Fit(train, validation, new TrainingData.Reports(r =>
        {
            if (r.Step == 21) cancel.Cancel();
        }), cancel.Token);
        Assert.True(first.Canceled);
        Assert.Equal(21, first.Steps);
        var resumed = new StreamTrainer(network, StreamOptions()).Resume(first.Checkpoint!, train, validation);
        Assert.Equal(40, resumed.Steps);
        Assert.Equal(straightNetwork.Parameters.Values, network.Parameters.Values);
    }

    [Fact]
    public void A_checkpoint_resumes_only_the_run_that_wrote_it()
    {
        var stream = TrainingData.Stream(500, seed: 4);
        var network = TrainingData.LanguageModel(CellType.Gru, seed: 5);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var checkpoint = new StreamTrainer(network, StreamOptions()).Fit(stream.AsMemory(0, 400), stream.AsMemory(400), null, cancel.Token).Checkpoint!;
        var e = Assert.Throws<ArgumentException>(() =>
            new StreamTrainer(network, StreamOptions(k1: 6, k2: 0)).Resume(checkpoint, stream.AsMemory(0, 400), stream.AsMemory(400)));
        Assert.Contains("'sequence_length' 4", e.Message);
        var wrongTrainer = Assert.Throws<ArgumentException>(() =>
            new SequenceTrainer(TrainingData.Classifier(CellType.Gru, 1), SequenceOptions()).Resume(checkpoint, TrainingData.Counting(10, 1)));
        Assert.Contains("written by StreamTrainer", wrongTrainer.Message);
    }
}
