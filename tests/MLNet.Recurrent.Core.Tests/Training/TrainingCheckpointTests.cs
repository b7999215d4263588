using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>
/// A toy training loop (least squares on a hand-written gradient, shuffled mini-batches, warm-up cosine schedule,
/// clipping, AdamW) interrupted by a checkpoint and resumed must end bit-identical to the uninterrupted run.
/// </summary>
public sealed class TrainingCheckpointTests(ITestOutputHelper output)
{
    private const int N = 24, D = 5, Batch = 5, TotalSteps = 60;

    private sealed class Loop
    {
        private readonly float[] _x = new float[N * D];
        private readonly float[] _y = new float[N];
        public readonly ParameterSet Parameters = new();
        public readonly IOptimizer Optimizer = new AdamW(0.3, weightDecay: 0.001);
        public readonly DeterministicRandom Shuffle = new(2024);
        public readonly ILearningRateSchedule Schedule = new WarmupCosineSchedule(0.3, 3, TotalSteps, 0.01);
        public int Epoch;
        public int BatchInEpoch;
        public int[] Order = Enumerable.Range(0, N).ToArray();
        public double LastLoss;

        public Loop()
        {
            var data = new DeterministicRandom(7);
            float[] truth = [1.5f, -2f, 0.5f, 3f, -1f];
            for (int i = 0; i < N; i++)
            {
                double y = 0;
                for (int j = 0; j < D; j++)
                {
                    _x[i * D + j] = (float)(2 * data.NextDouble() - 1);
                    y += _x[i * D + j] * truth[j];
                }
                _y[i] = (float)(y + 0.01 * (data.NextDouble() - 0.5));
            }
            var w = Parameters.Add("w", D);
            Parameters.Add("b", 1);
            Initializers.Uniform(w, 0.1, new DeterministicRandom(3));
            Shuffle.Shuffle(Order);
        }

        public void Run(int steps)
        {
            int batches = N / Batch;
            for (int s = 0; s < steps; s++)
            {
                if (BatchInEpoch == batches)
                {
                    Epoch++;
                    BatchInEpoch = 0;
                    Shuffle.Shuffle(Order);
                }
                Parameters.ZeroGradients();
                Span<float> w = Parameters["w"].Value, gw = Parameters["w"].Gradient;
                float b = Parameters["b"].Value[0];
                double loss = 0;
                for (int k = 0; k < Batch; k++)
                {
                    int i = Order[BatchInEpoch * Batch + k];
                    double pred = b;
                    for (int j = 0; j < D; j++) pred += w[j] * _x[i * D + j];
                    double r = pred - _y[i];
                    loss += 0.5 * r * r / Batch;
                    for (int j = 0; j < D; j++) gw[j] += (float)(r * _x[i * D + j] / Batch);
                    Parameters["b"].Gradient[0] += (float)(r / Batch);
                }
                LastLoss = loss;
                double norm = GradientClipping.ClipByGlobalNorm(Parameters, 5.0);
                if (!double.IsFinite(norm)) throw new InvalidOperationException($"gradient norm {norm}");
                Optimizer.LearningRate = Schedule.Rate(Optimizer.StepCount);
                Optimizer.Step(Parameters);
                BatchInEpoch++;
            }
        }

        public double FullLoss()
        {
            double loss = 0;
            for (int i = 0; i < N; i++)
            {
                double pred = Parameters["b"].Value[0];
                for (int j = 0; j < D; j++) pred += Parameters["w"].Value[j] * _x[i * D + j];
                loss += 0.5 * (pred - _y[i]) * (pred - _y[i]) / N;
            }
            return loss;
        }
    }

    [Theory]
    [InlineData(2)]   // inside the first epoch
    [InlineData(4)]   // at an epoch boundary (4 batches per epoch): the reshuffle happens after resuming
    [InlineData(31)]
    public void ResumedRunIsBitIdenticalToUninterruptedRun(int stopAfter)
    {
        var straight = new Loop();
        double initialLoss = straight.FullLoss();
        straight.Run(TotalSteps);

        var first = new Loop();
        first.Run(stopAfter);
        var checkpoint = TrainingCheckpoint.Capture(first.Parameters, first.Optimizer);
        checkpoint.Epoch = first.Epoch;
        checkpoint.BatchInEpoch = first.BatchInEpoch;
        checkpoint.SaveRandom("shuffle", first.Shuffle);
        checkpoint.State.Set("order", first.Order.AsSpan());
        var stream = new MemoryStream();
        checkpoint.Write(stream);

        // A new process: everything rebuilt from scratch (different initial weights would not matter), then restored.
        var resumed = new Loop();
        resumed.Parameters.Values.AsSpan().Fill(123f);
        stream.Position = 0;
        var read = TrainingCheckpoint.Read(stream);
        read.Restore(resumed.Parameters, resumed.Optimizer);
        read.RestoreRandom("shuffle", resumed.Shuffle);
        resumed.Epoch = read.Epoch;
        resumed.BatchInEpoch = read.BatchInEpoch;
        resumed.Order = read.State.GetInt32Array("order");
        Assert.Equal(stopAfter, read.Step);
        resumed.Run(TotalSteps - stopAfter);

        double finalLoss = straight.FullLoss();
        output.WriteLine($"stop after {stopAfter}: loss {initialLoss:F4} -> {finalLoss:F6} after {TotalSteps} steps; checkpoint {stream.Length} bytes");
        Assert.True(finalLoss < 0.05 * initialLoss, $"the toy problem did not learn: {initialLoss} -> {finalLoss}");
        Assert.Equal(straight.Optimizer.StepCount, resumed.Optimizer.StepCount);
        Assert.Equal(straight.Parameters.Values, resumed.Parameters.Values);
        Assert.Equal(straight.Optimizer.ExportState().Find("exp_avg_sq"), resumed.Optimizer.ExportState().Find("exp_avg_sq"));
        Assert.Equal(straight.Shuffle.GetState(), resumed.Shuffle.GetState());
    }

    [Fact]
    public void A_model_file_without_optimizer_state_is_not_a_checkpoint()
    {
        var file = new MLNet.Recurrent.Core.Serialization.ModelFile();
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.From(file));
        Assert.Contains("optimizer section was \"absent\"", e.Message);
    }
}
