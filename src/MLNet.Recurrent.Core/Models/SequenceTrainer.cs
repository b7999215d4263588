using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Trains a <see cref="SequenceNetwork"/> on whole sequences (backpropagation through time over each one): an
/// <see cref="EpochPlan{TBatch}"/> (seeded validation split, length-bucketed shuffled mini-batches, an evaluation
/// after every epoch) run by the shared <see cref="TrainingLoop{TBatch}"/> (early stopping with the best weights
/// restored, progress, cancellation, checkpoints).
/// </summary>
public sealed class SequenceTrainer
{
    private readonly SequenceNetwork _network;
    private readonly SequenceTrainerOptions _options;
    private readonly SequenceBatch _batch = new();
    private int[] _validation = [];

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
    /// Trains on <paramref name="training"/> and scores <paramref name="validation"/> after every epoch (a given
    /// split, as in a corpus with its own development set; <c>ValidationFraction</c> is not used).
    /// </summary>
    /// <param name="training">The sequences to train on.</param>
    /// <param name="validation">The sequences to score after every epoch (early stopping and the best weights follow them).</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops training at the next step, as in <see cref="Fit(ISequenceSource, IProgress{TrainingProgress}?, CancellationToken)"/>.</param>
    public TrainingResult Fit(ISequenceSource training, ISequenceSource validation, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        if (training.Count == 0) Internals.ThrowHelper.Argument(nameof(training), "0 sequences", "training needs at least one sequence");
        var joined = new JoinedSequences(training, validation);
        var held = Enumerable.Range(training.Count, validation.Count).ToArray();
        var plan = new EpochPlan<SequenceBatch>(nameof(SequenceTrainer), _network, new SequenceBatchSource(_network, joined), _batch, _options.Epochs, _options, held);
        var loop = new TrainingLoop<SequenceBatch>(_network, plan, _options) { OnCheckpoint = OnCheckpoint };
        _validation = [];
        return loop.Run(null, progress, cancellation);
    }

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpoint"/>: weights, optimizer state, epoch and position in
    /// it, shuffling and dropout generators, best weights, early-stopping counter and history are restored, so the
    /// run ends with the same weights as one that never stopped. The network must have the same shape; the
    /// options and data must be those of the run that wrote the checkpoint.
    /// </summary>
    /// <param name="checkpoint">A checkpoint from <see cref="OnCheckpoint"/> or <see cref="TrainingResult.Checkpoint"/>.</param>
    /// <param name="data">The same labelled sequences.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops training at the next step, as in <see cref="Fit(ISequenceSource, IProgress{TrainingProgress}?, CancellationToken)"/>.</param>
    public TrainingResult Resume(TrainingCheckpoint checkpoint, ISequenceSource data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Run(data, checkpoint, progress, cancellation);
    }

    private TrainingResult Run(ISequenceSource data, TrainingCheckpoint? resume, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) Internals.ThrowHelper.Argument(nameof(data), "0 sequences", "training needs at least one sequence");
        var plan = new EpochPlan<SequenceBatch>(nameof(SequenceTrainer), _network, new SequenceBatchSource(_network, data), _batch, _options.Epochs, _options);
        var loop = new TrainingLoop<SequenceBatch>(_network, plan, _options) { OnCheckpoint = OnCheckpoint };
        _validation = [.. plan.ValidationIndices];
        return loop.Run(resume, progress, cancellation);
    }

    /// <summary>
    /// The sequences the last <see cref="Fit(ISequenceSource, IProgress{TrainingProgress}?, CancellationToken)"/> or
    /// <see cref="Resume"/> held out for validation (indices into its data, ascending); empty before a run or without validation.
    /// </summary>
    public IReadOnlyList<int> ValidationIndices => _validation;

    /// <summary>
    /// Fits temperature scaling (<see cref="Evaluation.Calibration.FitTemperature"/>) to the network's logits on
    /// <paramref name="indices"/> of <paramref name="data"/> (by default the validation sequences of the last run,
    /// which the weights were chosen on but never trained on): the T whose <c>softmax(z / T)</c> has the lowest
    /// log-loss there. Per-sequence classifiers only.
    /// </summary>
    /// <param name="data">The labelled sequences the trainer was fitted on.</param>
    /// <param name="indices">The sequences to fit on; null for <see cref="ValidationIndices"/>.</param>
    /// <exception cref="InvalidOperationException">There is no sequence to fit on, or the network predicts every step.</exception>
    public double FitTemperature(ISequenceSource data, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_network.Options.PerStepOutput) Internals.ThrowHelper.InvalidOperation("Temperature scaling is fitted for a per-sequence classifier; this network predicts every step.");
        indices ??= _validation;
        if (indices.Count == 0)
            Internals.ThrowHelper.InvalidOperation("Temperature scaling needs validation sequences to fit on: train with ValidationFraction > 0 (or pass the indices).");
        int k = _network.Options.OutputSize;
        var logits = new float[indices.Count * k];
        var targets = new int[indices.Count];
        var source = new SequenceBatchSource(_network, data);
        var chunk = new int[Math.Min(_options.BatchSize, indices.Count)];
        for (int start = 0; start < indices.Count; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, indices.Count - start);
            for (int i = 0; i < n; i++) chunk[i] = indices[start + i];
            source.Fill(chunk.AsSpan(0, n), _batch);
            _network.RunInference(_batch);
            _network.Logits.Span.CopyTo(logits.AsSpan(start * k, n * k));
            _batch.Targets.CopyTo(targets.AsSpan(start, n));
        }
        return Evaluation.Calibration.FitTemperature(logits, targets, k);
    }

    /// <summary>Loss and accuracy over the given sequences (all of them when <paramref name="indices"/> is null).</summary>
    public EvaluationResult Evaluate(ISequenceSource data, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return EpochPlan<SequenceBatch>.Score(_network, new SequenceBatchSource(_network, data), _batch, indices, _options.BatchSize);
    }

    /// <summary>The number of rows whose most likely class is their target (rows with an ignored target skipped).</summary>
    internal static int CountCorrect(Tensor logits, ReadOnlySpan<int> targets)
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
}
