using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Trains an <see cref="EncoderDecoder"/> on sentence pairs through the shared <see cref="TrainingLoop{TBatch}"/>:
/// length-bucketed shuffled batches, teacher forcing with scheduled sampling, a validation score after every
/// epoch (a given validation set, or a seeded fraction of the pairs), early stopping with the best weights,
/// progress, cancellation, time budget and checkpoint/resume.
/// </summary>
public sealed class Seq2SeqTrainer
{
    private readonly EncoderDecoder _network;
    private readonly Seq2SeqTrainerOptions _options;
    private readonly Seq2SeqBatch _batch = new();

    /// <summary>Prepares to train <paramref name="network"/> from its current weights.</summary>
    public Seq2SeqTrainer(EncoderDecoder network, Seq2SeqTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _network = network;
        _options = options;
    }

    /// <summary>Receives a checkpoint every <see cref="TrainingOptions.CheckpointEvery"/> steps.</summary>
    public Action<TrainingCheckpoint>? OnCheckpoint { get; set; }

    /// <summary>Trains on <paramref name="training"/>, scoring <paramref name="validation"/> after every epoch.</summary>
    /// <param name="training">The training pairs (<see cref="Seq2SeqPairs"/>, or <see cref="VectorSequencePairs"/> for conditioned generation).</param>
    /// <param name="validation">Validation pairs; null to hold out <c>ValidationFraction</c> of the training pairs instead.</param>
    /// <param name="progress">Receives reports every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops at the next step; the result then carries a checkpoint.</param>
    /// <param name="resume">A checkpoint of an earlier run with the same data and options, or null.</param>
    public TrainingResult Fit(IBatchSource<Seq2SeqBatch> training, IBatchSource<Seq2SeqBatch>? validation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingCheckpoint? resume = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        _network.TeacherForcing = _options.TeacherForcing;
        ITrainingPlan<Seq2SeqBatch> plan = validation is null
            ? new EpochPlan<Seq2SeqBatch>(nameof(Seq2SeqTrainer), _network, training, _batch, _options.Epochs, _options)
            : new HeldOutValidationPlan<Seq2SeqBatch>(nameof(Seq2SeqTrainer), _network, training, validation, _batch, _options.Epochs, _options);
        var loop = new TrainingLoop<Seq2SeqBatch>(_network, plan, _options) { OnCheckpoint = OnCheckpoint };
        return loop.Run(resume, progress, cancellation);
    }

    /// <summary>Teacher-forced loss and token accuracy over <paramref name="pairs"/> (dropout off).</summary>
    public EvaluationResult Evaluate(Seq2SeqPairs pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return EpochPlan<Seq2SeqBatch>.Score(_network, pairs, _batch, null, _options.BatchSize);
    }
}
