using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>Truncated BPTT with k2 &gt; k1: the gradient of each update, and the memory it keeps.</summary>
public sealed class StreamTrainerTests(ITestOutputHelper output)
{
    private static StreamTrainerOptions Options(long steps, int k1, int k2, int checkpointEvery = 0) => new()
    {
        Optimizer = OptimizerKind.Sgd, LearningRate = 0.1, ClipNorm = 0, BatchSize = 2, SequenceLength = k1, BackpropSteps = k2,
        Steps = steps, CheckpointEvery = checkpointEvery,
    };

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Update_with_k2_greater_than_k1_is_the_gradient_of_the_k2_window_from_the_saved_state(CellType cell)
    {
        // k1 = 2, k2 = 4, 2 tracks of 20 steps. Update 3 reads steps [4, 6) and backpropagates through [2, 6),
        // starting from the state at step 2, which update 1 produced (with the initial weights), detached.
        const int k1 = 2, k2 = 4, b = 2;
        var stream = TrainingData.Stream(41, seed: 8);
        long track = (stream.Length - 1) / b;
        var initial = TrainingData.LanguageModel(cell, seed: 3, layers: 2, hidden: 3);

        var threeSteps = initial.Clone();
        new StreamTrainer(threeSteps, Options(3, k1, k2)).Fit(stream, ReadOnlyMemory<int>.Empty);
        float[] trainerGradient = threeSteps.Parameters.Gradients; // no clipping: the raw gradient of update 3
        var twoSteps = initial.Clone();
        new StreamTrainer(twoSteps, Options(2, k1, k2)).Fit(stream, ReadOnlyMemory<int>.Empty);

        // The state at step 2: the initial weights read steps [0, 2) from zeros.
        var reader = initial.Clone();
        var batch = new SequenceBatch();
        batch.Reset(b, k1, 0, perStepTargets: true);
        for (int j = 0; j < b; j++) batch.SetTokens(j, stream.AsSpan((int)(j * track), k1));
        reader.Forward(batch, training: false);
        var savedState = reader.SaveFinalState();

        // The full window by hand: the weights after update 2, steps [2, 6), targets only for the newest k1 steps.
        var byHand = twoSteps.Clone();
        batch.Reset(b, k2, 0, perStepTargets: true);
        batch.InitialState = savedState;
        for (int j = 0; j < b; j++)
        {
            int offset = (int)(j * track) + 2;
            batch.SetTokens(j, stream.AsSpan(offset, k2));
            var targets = stream.AsSpan(offset + 1, k2).ToArray();
            targets.AsSpan(0, k2 - k1).Fill(SequenceBatch.IgnoreTarget);
            batch.SetStepTargets(j, targets);
        }
        byHand.Parameters.ZeroGradients();
        byHand.Forward(batch, training: true);
        byHand.Backward();

        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < trainerGradient.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(trainerGradient[i] - byHand.Parameters.Gradients[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs(byHand.Parameters.Gradients[i]));
        }
        output.WriteLine($"{cell}: max |gradient| {maxAbs:E3}, max difference trainer vs by hand {maxDiff:E3}");
        Assert.True(maxAbs > 1e-3);
        Assert.Equal(byHand.Parameters.Gradients, trainerGradient); // the same arithmetic in the same order: bit for bit

        // The state matters: from zeros instead of the saved state the gradient is another one.
        var fromZeros = twoSteps.Clone();
        batch.InitialState = null;
        fromZeros.Parameters.ZeroGradients();
        fromZeros.Forward(batch, training: true);
        fromZeros.Backward();
        Assert.NotEqual(fromZeros.Parameters.Gradients, trainerGradient);
    }

    [Fact]
    public void Memory_does_not_grow_with_the_stream()
    {
        // The trainer keeps k2 / k1 = 3 carried states whatever the stream's length (counted in the checkpoint taken
        // when the run is canceled, which records every state the trainer holds), and an update's transient garbage
        // is bounded. Measured: 144 bytes per update on this thread (72 bytes each in SequenceNetwork.Forward and
        // Backward; the optimizer, clipping, batch filling and the state ring allocate nothing).
        const int k1 = 4, k2 = 12;
        var stream = TrainingData.Stream(20_000, seed: 2);
        int StatesHeld(int length, long steps)
        {
            var network = TrainingData.LanguageModel(CellType.Lstm, seed: 1);
            using var cancel = new CancellationTokenSource();
            var options = new StreamTrainerOptions { BatchSize = 2, SequenceLength = k1, BackpropSteps = k2, Steps = steps + 1, ReportEvery = 1 };
            var reports = new TrainingData.Reports(r => { if (r.Step == steps) cancel.Cancel(); });
            var result = new StreamTrainer(network, options).Fit(stream.AsMemory(0, length), ReadOnlyMemory<int>.Empty, reports, cancel.Token);
            Assert.Equal(steps, result.Steps);
            return result.Checkpoint!.State.Keys.Count(key => key.EndsWith(".has_state", StringComparison.Ordinal));
        }
        Assert.Equal(k2 / k1, StatesHeld(200, 100));      // wraps around a short stream 4 times
        Assert.Equal(k2 / k1, StatesHeld(20_000, 1000));  // a long stream, read most of the way once

        double BytesPerUpdate(int length)
        {
            var network = TrainingData.LanguageModel(CellType.Lstm, seed: 1);
            new StreamTrainer(network, Options(50, k1, k2)).Fit(stream.AsMemory(0, length), ReadOnlyMemory<int>.Empty); // warm-up
            long a = GC.GetAllocatedBytesForCurrentThread();
            new StreamTrainer(network, Options(50, k1, k2)).Fit(stream.AsMemory(0, length), ReadOnlyMemory<int>.Empty);
            long b = GC.GetAllocatedBytesForCurrentThread();
            new StreamTrainer(network, Options(1050, k1, k2)).Fit(stream.AsMemory(0, length), ReadOnlyMemory<int>.Empty);
            long c = GC.GetAllocatedBytesForCurrentThread();
            return ((c - b) - (b - a)) / 1000.0;
        }
        double shortStream = BytesPerUpdate(400), longStream = BytesPerUpdate(20_000);
        output.WriteLine($"bytes allocated per update: {shortStream:F1} (400-token stream), {longStream:F1} (20000-token stream)");
        Assert.True(shortStream < 512 && longStream < 512, $"{shortStream:F1} and {longStream:F1} bytes per update");
    }
}
