namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// An <see cref="EpochPlan{TBatch}"/> over all of the training examples, scored after every epoch on a separate,
/// fixed validation set (a split the data came with, such as the reference translator's k % 20 == 18).
/// </summary>
/// <typeparam name="TBatch">The network's batch type.</typeparam>
public sealed class HeldOutValidationPlan<TBatch> : ITrainingPlan<TBatch>
{
    private readonly EpochPlan<TBatch> _epochs;
    private readonly ITrainableNetwork<TBatch> _network;
    private readonly IBatchSource<TBatch> _validation;
    private readonly TBatch _batch;
    private readonly int _batchSize;

    /// <summary>Plans <paramref name="epochs"/> passes over <paramref name="training"/> and scores <paramref name="validation"/> after each.</summary>
    /// <param name="kind">The plan's name in checkpoints.</param>
    /// <param name="network">The network.</param>
    /// <param name="training">The training examples (none held out).</param>
    /// <param name="validation">The validation examples; may be empty (then nothing is scored).</param>
    /// <param name="batch">The batch object to fill.</param>
    /// <param name="epochs">Passes over <paramref name="training"/>.</param>
    /// <param name="options">Batch size and seed (the validation fraction is not used).</param>
    public HeldOutValidationPlan(string kind, ITrainableNetwork<TBatch> network, IBatchSource<TBatch> training, IBatchSource<TBatch> validation,
        TBatch batch, int epochs, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        _epochs = new EpochPlan<TBatch>(kind, network, training, batch, epochs,
            new TrainingOptions { BatchSize = options.BatchSize, Seed = options.Seed, ValidationFraction = 0 });
        _network = network;
        _validation = validation;
        _batch = batch;
        _batchSize = options.BatchSize;
    }

    /// <inheritdoc/>
    public string Kind => _epochs.Kind;

    /// <inheritdoc/>
    public long TotalSteps => _epochs.TotalSteps;

    /// <inheritdoc/>
    public int Epoch => _epochs.Epoch;

    /// <inheritdoc/>
    public bool HasValidation => _validation.Count > 0;

    /// <inheritdoc/>
    public IReadOnlyList<(string Key, long Value)> Identity => [.. _epochs.Identity, ("validation.count", _validation.Count)];

    /// <inheritdoc/>
    public void Start() => _epochs.Start();

    /// <inheritdoc/>
    public bool TryNext(long stepsTaken, out TBatch batch) => _epochs.TryNext(stepsTaken, out batch);

    /// <inheritdoc/>
    public bool AfterStep(long step) => _epochs.AfterStep(step);

    /// <inheritdoc/>
    public EvaluationResult Evaluate() => EpochPlan<TBatch>.Score(_network, _validation, _batch, null, _batchSize);

    /// <inheritdoc/>
    public void Finish() => _epochs.Finish();

    /// <inheritdoc/>
    public void Save(TrainingCheckpoint checkpoint) => _epochs.Save(checkpoint);

    /// <inheritdoc/>
    public void Restore(TrainingCheckpoint checkpoint) => _epochs.Restore(checkpoint);
}
