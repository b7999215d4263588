using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// How a network is trained: optimizer, schedule, clipping, batching, validation and early stopping, seed.
/// Shared by <c>SequenceTrainer</c> (whole sequences) and <c>StreamTrainer</c> (truncated BPTT).
/// </summary>
public class TrainingOptions
{
    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The peak learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Momentum for SGD and RMSProp.</summary>
    public double Momentum { get; init; }

    /// <summary>Weight decay (L2 for SGD/Adam/RMSProp/Adagrad, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Warm-up steps of the cosine schedule.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Step schedule: multiply the rate by <see cref="StepGamma"/> every this many steps.</summary>
    public int StepSize { get; init; } = 1000;

    /// <summary>Step schedule: the factor applied every <see cref="StepSize"/> steps.</summary>
    public double StepGamma { get; init; } = 0.5;

    /// <summary>Clips gradients to this global L2 norm; 0 turns norm clipping off.</summary>
    public double ClipNorm { get; init; } = 5;

    /// <summary>Clips each gradient to [-v, v]; 0 turns value clipping off.</summary>
    public double ClipValue { get; init; }

    /// <summary>B: sequences (or parallel tracks of a stream) per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Whole-sequence training: whether each epoch's batches group sequences of similar length (little padding, the
    /// default) or are consecutive runs of one random permutation (as a plain PyTorch loop batches them).
    /// </summary>
    public bool BucketByLength { get; init; } = true;

    /// <summary>The fraction of the data held out to measure validation loss, in [0, 1).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many evaluations without a better validation loss (0: never stop early).</summary>
    public int Patience { get; init; } = 3;

    /// <summary>
    /// Whether the run ends with the weights of its best validation score (true) or with its last weights (false,
    /// as a script that evaluates the model after its last epoch).
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Seeds initialization, shuffling and dropout: the same seed gives the same model.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Hands a resumable <see cref="TrainingCheckpoint"/> to the trainer's <c>OnCheckpoint</c> every this many steps (0: never).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Reports progress every this many steps (and after every evaluation).</summary>
    public int ReportEvery { get; init; } = 10;

    /// <summary>
    /// Stops after this much training time even if the run is not done; null means no limit. The last weights are
    /// scored before the best ones are restored, and the result carries a checkpoint to continue from.
    /// </summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public virtual void Validate()
    {
        if (!Enum.IsDefined(Optimizer)) ThrowHelper.OutOfRange(nameof(Optimizer), Optimizer, "it must be a defined optimizer");
        if (!Enum.IsDefined(Schedule)) ThrowHelper.OutOfRange(nameof(Schedule), Schedule, "it must be a defined schedule");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) ThrowHelper.OutOfRange(nameof(LearningRate), LearningRate, "it must be a positive finite number");
        if (!(Momentum >= 0 && Momentum < 1)) ThrowHelper.OutOfRange(nameof(Momentum), Momentum, "it must be in [0, 1)");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) ThrowHelper.OutOfRange(nameof(WeightDecay), WeightDecay, "it must be zero or a positive finite number");
        ThrowHelper.ThrowIfNegative(WarmupSteps, nameof(WarmupSteps));
        ThrowHelper.ThrowIfNotPositive(StepSize, nameof(StepSize));
        if (!(StepGamma > 0 && StepGamma <= 1)) ThrowHelper.OutOfRange(nameof(StepGamma), StepGamma, "it must be in (0, 1]");
        if (!(ClipNorm >= 0) || double.IsInfinity(ClipNorm)) ThrowHelper.OutOfRange(nameof(ClipNorm), ClipNorm, "it must be zero (off) or a positive finite number");
        if (!(ClipValue >= 0) || double.IsInfinity(ClipValue)) ThrowHelper.OutOfRange(nameof(ClipValue), ClipValue, "it must be zero (off) or a positive finite number");
        ThrowHelper.ThrowIfNotPositive(BatchSize, nameof(BatchSize));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) ThrowHelper.OutOfRange(nameof(ValidationFraction), ValidationFraction, "it must be in [0, 1)");
        ThrowHelper.ThrowIfNegative(Patience, nameof(Patience));
        ThrowHelper.ThrowIfNegative(CheckpointEvery, nameof(CheckpointEvery));
        ThrowHelper.ThrowIfNotPositive(ReportEvery, nameof(ReportEvery));
        if (MaxDuration is { } d && d <= TimeSpan.Zero) ThrowHelper.OutOfRange(nameof(MaxDuration), d, "it must be positive");
    }

    /// <summary>Builds the optimizer these options name.</summary>
    public IOptimizer CreateOptimizer() => Optimizer switch
    {
        OptimizerKind.Sgd => new Sgd(LearningRate, momentum: Momentum, weightDecay: WeightDecay),
        OptimizerKind.Adam => new Adam(LearningRate, weightDecay: WeightDecay),
        OptimizerKind.AdamW => new AdamW(LearningRate, weightDecay: WeightDecay),
        OptimizerKind.RmsProp => new RmsProp(LearningRate, momentum: Momentum, weightDecay: WeightDecay),
        OptimizerKind.Adagrad => new Adagrad(LearningRate, weightDecay: WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(Optimizer)),
    };

    /// <summary>Builds the schedule these options name, for a run of <paramref name="totalSteps"/> steps.</summary>
    public ILearningRateSchedule CreateSchedule(long totalSteps) => Schedule switch
    {
        ScheduleKind.Constant => new ConstantSchedule(LearningRate),
        ScheduleKind.Step => new StepSchedule(LearningRate, StepSize, StepGamma),
        ScheduleKind.Cosine => new WarmupCosineSchedule(LearningRate, WarmupSteps, Math.Max(totalSteps, WarmupSteps + 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(Schedule)),
    };
}
