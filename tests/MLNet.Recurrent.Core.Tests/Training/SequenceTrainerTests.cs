using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>The whole-sequence trainer's loop: early stopping, divergence, cancellation, progress.</summary>
public sealed class SequenceTrainerTests(ITestOutputHelper output)
{
    /// <summary>The trainer's validation split, written out independently: shuffle 0..N-1 with the seed, the first round(N f) are held out.</summary>
    private static int[] ValidationIndices(int count, double fraction, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new DeterministicRandom(seed).Shuffle(order);
        var validation = order[..(int)Math.Round(count * fraction)];
        Array.Sort(validation);
        return validation;
    }

    [Fact]
    public void Early_stopping_restores_the_weights_of_the_best_epoch()
    {
        // 40 training sequences, a large LSTM for them and a high rate: validation loss bottoms out and climbs.
        var data = TrainingData.Counting(50, seed: 3);
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 6, EmbeddingSize = 8, Cell = CellType.Lstm, HiddenSize = 32, Pooling = SequencePoolingMode.Mean, OutputSize = 3,
        });
        network.Initialize(seed: 4);
        var options = new SequenceTrainerOptions { LearningRate = 0.03, BatchSize = 8, Epochs = 60, ValidationFraction = 0.2, Patience = 3, Seed = 5 };
        var trainer = new SequenceTrainer(network, options);
        var result = trainer.Fit(data);

        var losses = result.History.Select(h => h.Validation!.Loss).ToArray();
        output.WriteLine($"stopped early: {result.StoppedEarly} after {result.Epochs} epochs; validation losses {string.Join(" ", losses.Select(l => l.ToString("F3")))}");
        Assert.True(result.StoppedEarly);
        Assert.True(result.Epochs < options.Epochs);
        int bestEpoch = Array.IndexOf(losses, losses.Min());
        Assert.Equal(result.Epochs - options.Patience, bestEpoch + 1); // stopped exactly Patience evaluations after the best
        Assert.True(losses[^1] > losses[bestEpoch]); // the final epoch's weights are worse: restoring matters
        Assert.Equal(losses.Min(), result.BestValidation!.Loss);
        // The network holds the best epoch's weights: evaluating it again gives that epoch's loss, bit for bit.
        var again = trainer.Evaluate(data, ValidationIndices(data.Count, 0.2, 5));
        Assert.Equal(result.BestValidation, again);
    }

    /// <summary>A source that writes NaN into the frames of its <c>poisonedFill</c>-th fill (1-based).</summary>
    private sealed class PoisonedSource(InMemorySequences inner, int poisonedFill) : ISequenceSource
    {
        private int _fills;

        public int Count => inner.Count;

        public int LengthOf(int index) => inner.LengthOf(index);

        public void Fill(int index, SequenceBatch batch, int row)
        {
            inner.Fill(index, batch, row);
            if (++_fills == poisonedFill) batch.Frames.Span[row * batch.FrameSize] = float.NaN;
        }
    }

    [Fact]
    public void A_nan_stops_training_naming_the_step_and_keeps_the_last_good_weights()
    {
        var random = new DeterministicRandom(1);
        var frames = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 12).Select(_ => random.NextSingle()).ToArray()).ToArray();
        var labels = Enumerable.Range(0, 20).Select(i => i % 2).ToArray();
        var network = new SequenceNetwork(new SequenceNetworkOptions { FrameSize = 3, Cell = CellType.Gru, HiddenSize = 4, OutputSize = 2 });
        network.Initialize(seed: 2);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions { BatchSize = 1, Epochs = 2, ValidationFraction = 0, ReportEvery = 1 });
        float[]? lastGood = null;
        long lastStep = 0;
        var reports = new TrainingData.Reports(r =>
        {
            lastGood = (float[])network.Parameters.Values.Clone();
            lastStep = r.Step;
        });

        // Batch size 1 and no validation: fill k is step k; the 7th step reads a NaN.
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(new PoisonedSource(InMemorySequences.ClassifiedFrames(frames, 3, labels), 7), reports));
        output.WriteLine(e.Message);
        Assert.Equal(7, e.Step);
        Assert.Contains("step 7", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Equal(6, lastStep);
        Assert.Equal(lastGood, network.Parameters.Values);
        Assert.All(network.Parameters.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void An_absurd_learning_rate_diverges_and_is_reported_before_it_lands()
    {
        var data = TrainingData.Counting(64, seed: 1);
        var network = TrainingData.Classifier(CellType.RnnRelu, seed: 3);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, ClipNorm = 0, BatchSize = 8, Epochs = 50, ValidationFraction = 0, ReportEvery = 1,
        });
        float[]? lastGood = null;
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data, new TrainingData.Reports(_ => lastGood = (float[])network.Parameters.Values.Clone())));
        output.WriteLine(e.Message);
        Assert.Contains($"step {e.Step}", e.Message);
        Assert.Equal(lastGood ?? TrainingData.Classifier(CellType.RnnRelu, seed: 3).Parameters.Values, network.Parameters.Values);
        Assert.All(network.Parameters.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Cancellation_returns_canceled_with_the_best_weights_so_far()
    {
        var data = TrainingData.Counting(100, seed: 2);
        var network = TrainingData.Classifier(CellType.Lstm, seed: 1);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions { LearningRate = 0.02, BatchSize = 16, Epochs = 20, ValidationFraction = 0.2, Seed = 9, ReportEvery = 1 });
        using var cancel = new CancellationTokenSource();
        // 80 training sequences: 5 steps per epoch; cancel in the middle of epoch 4, after 3 evaluations.
        var result = trainer.Fit(data, new TrainingData.Reports(r =>
        {
            if (r.Step == 17) cancel.Cancel();
        }), cancel.Token);

        Assert.True(result.Canceled);
        Assert.False(result.StoppedEarly);
        Assert.Equal(17, result.Steps);
        Assert.Equal(3, result.History.Count);
        Assert.NotNull(result.Checkpoint);
        Assert.Equal(result.History.Select(h => h.Validation!.Loss).Min(), result.BestValidation!.Loss);
        Assert.Equal(result.BestValidation, trainer.Evaluate(data, ValidationIndices(data.Count, 0.2, 9)));
    }

    [Fact]
    public void Progress_reports_the_gradient_norm_before_clipping()
    {
        // One batch holds every sequence, so step 1's gradient can be rebuilt outside the trainer.
        var data = TrainingData.Counting(24, seed: 5);
        var network = TrainingData.Classifier(CellType.Gru, seed: 6);
        var reference = network.Clone();
        var reports = new TrainingData.Reports();
        new SequenceTrainer(network, new SequenceTrainerOptions { ClipNorm = 1e-3, BatchSize = 32, Epochs = 5, ValidationFraction = 0, ReportEvery = 1 }).Fit(data, reports);

        var batch = new SequenceBatch();
        batch.Reset(data.Count, Enumerable.Range(0, data.Count).Max(data.LengthOf), 0, perStepTargets: false);
        for (int i = 0; i < data.Count; i++) data.Fill(i, batch, i);
        reference.Parameters.ZeroGradients();
        double loss = reference.Forward(batch, training: true);
        reference.Backward();
        double norm = GradientClipping.GlobalNorm(reference.Parameters.Gradients);
        output.WriteLine($"step 1: reported loss {reports.All[0].Loss:F6} norm {reports.All[0].GradientNorm:F6}; rebuilt {loss:F6} {norm:F6}; clip at 1e-3");

        Assert.Equal(5, reports.All.Count);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), reports.All.Select(r => r.Step));
        Assert.All(reports.All, r => Assert.True(r.GradientNorm > 1e-2, $"step {r.Step}: norm {r.GradientNorm}")); // before clipping, not the 1e-3 after
        // The batch's rows come in another order, so sums differ in the last bits: relative 1e-5.
        Assert.Equal(1, reports.All[0].GradientNorm / norm, 1e-5);
        Assert.Equal(1, reports.All[0].Loss / loss, 1e-5);
    }
}
