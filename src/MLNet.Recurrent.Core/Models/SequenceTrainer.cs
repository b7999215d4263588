using System.Diagnostics;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Trains a <see cref="SequenceNetwork"/> on whole sequences (backpropagation through time over each one):
/// seeded validation split, length-bucketed shuffled mini-batches, an evaluation after every epoch, early
/// stopping with the best weights restored, progress reports and cancellation.
/// </summary>
public sealed class SequenceTrainer
{
    private readonly SequenceNetwork _network;
    private readonly SequenceTrainerOptions _options;
    private readonly SequenceBatch _batch = new();

    /// <summary>Prepares to train <paramref name="network"/>; its current weights are the starting point.</summary>
    public SequenceTrainer(SequenceNetwork network, SequenceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _network = network;
        _options = options;
    }

    /// <summary>
    /// Receives a <see cref="TrainingCheckpoint"/> every <see cref="TrainingOptions.CheckpointEvery"/> steps; write it
    /// somewhere and pass it to <see cref="Resume"/> to continue the run as if it had never stopped.
    /// </summary>
    public Action<TrainingCheckpoint>? OnCheckpoint { get; set; }

    /// <summary>Splits off the validation sequences and trains.</summary>
    /// <param name="data">The labelled sequences.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">
    /// Stops training at the next step; the network then holds the best weights so far and
    /// <see cref="TrainingResult.Checkpoint"/> the state to resume from.
    /// </param>
    public TrainingResult Fit(ISequenceSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(data, null, progress, cancellation);

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpoint"/>: weights, optimizer state, epoch and position in
    /// it, shuffling and dropout generators, best weights, early-stopping counter and history are restored, so the
    /// run ends with the same weights as one that never stopped. The network must have the same shape; the
    /// options and data must be those of the run that wrote the checkpoint.
    /// </summary>
    /// <param name="checkpoint">A checkpoint from <see cref="OnCheckpoint"/> or <see cref="TrainingResult.Checkpoint"/>.</param>
    /// <param name="data">The same labelled sequences.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops training at the next step, as in <see cref="Fit"/>.</param>
    public TrainingResult Resume(TrainingCheckpoint checkpoint, ISequenceSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Run(data, checkpoint, progress, cancellation);
    }

    private TrainingResult Run(ISequenceSource data, TrainingCheckpoint? resume, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) Internals.ThrowHelper.Argument(nameof(data), "0 sequences", "training needs at least one sequence");
        var random = new DeterministicRandom(_options.Seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        int validationCount = _options.ValidationFraction > 0 && data.Count > 1
            ? Math.Clamp((int)Math.Round(data.Count * _options.ValidationFraction), 1, data.Count - 1) : 0;
        var validation = order[..validationCount];
        var train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        var lengths = train.Select(data.LengthOf).ToArray();

        int batchesPerEpoch = (train.Length + _options.BatchSize - 1) / _options.BatchSize;
        long totalSteps = (long)batchesPerEpoch * _options.Epochs;
        var runner = new StepRunner(_network, _options, _options.CreateOptimizer(), _options.CreateSchedule(totalSteps));
        var best = new BestWeights(_network.Parameters);
        var history = new List<TrainingProgress>();
        var clock = Stopwatch.StartNew();
        long targets = 0;
        int epoch = 0, batchInEpoch = 0;
        ulong[] epochRandom = random.GetState(); // the shuffler's state before this epoch's batches were drawn
        bool stoppedEarly = false, canceled = false, resuming = resume is not null;
        double loss = 0, norm = 0;
        TrainingCheckpoint? final = null;
        _network.CarryState = false;
        (string, long)[] identity = [("data.count", data.Count), ("batch_size", _options.BatchSize), ("seed", _options.Seed)];
        if (resume is not null)
        {
            (loss, norm) = TrainerCheckpoints.Restore(resume, Kind, _network, runner.Optimizer, best, history, identity);
            epoch = resume.Epoch;
            batchInEpoch = resume.BatchInEpoch;
            resume.RestoreRandom("shuffle", random);
            epochRandom = random.GetState();
        }

        while ((resuming || epoch < _options.Epochs) && !stoppedEarly && !canceled)
        {
            if (!resuming)
            {
                epoch++;
                batchInEpoch = 0;
                epochRandom = random.GetState();
            }
            resuming = false;
            var batches = LengthBuckets.Batches(lengths, _options.BatchSize, random);
            while (batchInEpoch < batches.Length)
            {
                if (cancellation.IsCancellationRequested)
                {
                    canceled = true;
                    final = Capture(runner, best, history, (loss, norm), identity, epoch, batchInEpoch, epochRandom);
                    break;
                }
                var batchIndices = batches[batchInEpoch];
                Fill(data, batchIndices.Select(i => train[i]), batchIndices.Length);
                (loss, norm) = runner.Step(_batch);
                batchInEpoch++;
                targets += (long)_network.LastLoss.Count;
                long step = runner.Optimizer.StepCount;
                if (step % _options.ReportEvery == 0)
                    progress?.Report(Report(epoch, step, totalSteps, loss, norm, targets, clock.Elapsed, null));
                if (OnCheckpoint is not null && _options.CheckpointEvery > 0 && step % _options.CheckpointEvery == 0)
                    OnCheckpoint(Capture(runner, best, history, (loss, norm), identity, epoch, batchInEpoch, epochRandom));
            }
            if (canceled || validation.Length == 0) continue;
            var result = Evaluate(data, validation);
            best.Offer(result);
            var report = Report(epoch, runner.Optimizer.StepCount, totalSteps, loss, norm, targets, clock.Elapsed, result);
            history.Add(report);
            progress?.Report(report);
            stoppedEarly = _options.Patience > 0 && best.EvaluationsSinceBest >= _options.Patience;
        }
        best.Restore();
        return new TrainingResult(runner.Optimizer.StepCount, epoch, best.Best, stoppedEarly, canceled, history) { Checkpoint = final };
    }

    private const string Kind = nameof(SequenceTrainer);

    /// <summary>The run's state between two steps: weights, optimizer, position in the epoch, generators, best weights, history.</summary>
    private TrainingCheckpoint Capture(StepRunner runner, BestWeights best, List<TrainingProgress> history, (double, double) last, (string, long)[] identity,
        int epoch, int batchInEpoch, ulong[] epochRandom)
    {
        var checkpoint = TrainerCheckpoints.Capture(Kind, _network, runner.Optimizer, best, history, last, identity);
        checkpoint.Epoch = epoch;
        checkpoint.BatchInEpoch = batchInEpoch;
        // The shuffler as it was before this epoch's batches were drawn: resuming draws them again, then skips the done ones.
        var random = new DeterministicRandom(0);
        random.SetState(epochRandom);
        checkpoint.SaveRandom("shuffle", random);
        return checkpoint;
    }

    /// <summary>Loss and accuracy over the given sequences (all of them when <paramref name="indices"/> is null).</summary>
    public EvaluationResult Evaluate(ISequenceSource data, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        indices ??= Enumerable.Range(0, data.Count).ToArray();
        // Sorted by length so batches carry little padding; the order does not change the sums' terms.
        var sorted = indices.OrderBy(data.LengthOf).ThenBy(i => i).ToArray();
        double nll = 0, count = 0, correct = 0;
        for (int start = 0; start < sorted.Length; start += _options.BatchSize)
        {
            int n = Math.Min(_options.BatchSize, sorted.Length - start);
            Fill(data, sorted.Skip(start).Take(n), n);
            _network.Forward(_batch, training: false);
            nll += _network.LastLoss.NllSum;
            count += _network.LastLoss.Count;
            correct += CountCorrect(_network.Logits, _batch.Targets);
        }
        return new EvaluationResult(count > 0 ? nll / count : 0, count > 0 ? correct / count : 0, (long)count);
    }

    internal static int CountCorrect(Numerics.Tensor logits, ReadOnlySpan<int> targets)
    {
        int k = logits.Dim(logits.Rank - 1), correct = 0;
        ReadOnlySpan<float> z = logits.Span;
        for (int row = 0; row < targets.Length; row++)
        {
            if (targets[row] == SequenceBatch.IgnoreTarget) continue;
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z.Slice(row * k, k)) == targets[row]) correct++;
        }
        return correct;
    }

    private void Fill(ISequenceSource data, IEnumerable<int> indices, int count)
    {
        var list = indices as int[] ?? indices.ToArray();
        int steps = 0;
        foreach (int i in list) steps = Math.Max(steps, data.LengthOf(i));
        _batch.Reset(count, steps, _network.Options.TokenInput ? 0 : _network.Options.FrameSize, _network.Options.PerStepOutput);
        for (int row = 0; row < list.Length; row++) data.Fill(list[row], _batch, row);
    }

    private static TrainingProgress Report(int epoch, long step, long total, double loss, double norm, long targets, TimeSpan elapsed, EvaluationResult? validation) =>
        new(epoch, step, total, loss, norm, elapsed.TotalSeconds > 0 ? targets / elapsed.TotalSeconds : 0, elapsed, validation);
}
