using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Whole examples, epoch after epoch: a seeded validation split, length-bucketed shuffled mini-batches, and a score
/// of the validation examples after every epoch. Used for sequence classification and labelling (backpropagation
/// through each whole sequence) and for encoder-decoder pairs.
/// </summary>
/// <typeparam name="TBatch">The network's batch type.</typeparam>
public sealed class EpochPlan<TBatch> : ITrainingPlan<TBatch>
{
    private const string ShuffleKey = "shuffle", BatchKey = "batch_in_epoch";

    private readonly ITrainableNetwork<TBatch> _network;
    private readonly IBatchSource<TBatch> _data;
    private readonly TBatch _batch;
    private readonly int _epochs, _batchSize, _seed;
    private readonly bool _bucket;
    private readonly int[] _train, _validation, _lengths;
    private DeterministicRandom _random = new(0);
    private ulong[] _epochRandom = [];
    private int[][] _batches = [];
    private int _batchInEpoch;

    /// <summary>Splits <paramref name="data"/> into training and validation examples (seeded) and plans the epochs.</summary>
    /// <param name="kind">The plan's name in checkpoints (for example the trainer's name).</param>
    /// <param name="network">The network, for scoring.</param>
    /// <param name="data">The labelled examples.</param>
    /// <param name="batch">The batch object to fill (reused for every batch).</param>
    /// <param name="epochs">How many passes over the training examples.</param>
    /// <param name="options">Batch size, validation fraction and seed.</param>
    public EpochPlan(string kind, ITrainableNetwork<TBatch> network, IBatchSource<TBatch> data, TBatch batch, int epochs, TrainingOptions options)
        : this(kind, network, data, batch, epochs, options, null)
    {
    }

    /// <summary>
    /// Plans the epochs with a given validation split: the examples <paramref name="validationIndices"/> of
    /// <paramref name="data"/> are scored after every epoch and every other example is trained on
    /// (<see cref="TrainingOptions.ValidationFraction"/> is not used).
    /// </summary>
    /// <param name="kind">The plan's name in checkpoints (for example the trainer's name).</param>
    /// <param name="network">The network, for scoring.</param>
    /// <param name="data">The labelled examples, training and validation together.</param>
    /// <param name="batch">The batch object to fill (reused for every batch).</param>
    /// <param name="epochs">How many passes over the training examples.</param>
    /// <param name="options">Batch size and seed.</param>
    /// <param name="validationIndices">The validation examples, distinct, each in [0, data.Count); null for a seeded split by <see cref="TrainingOptions.ValidationFraction"/>.</param>
    public EpochPlan(string kind, ITrainableNetwork<TBatch> network, IBatchSource<TBatch> data, TBatch batch, int epochs, TrainingOptions options,
        IReadOnlyList<int>? validationIndices)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ThrowHelper.ThrowIfNotPositive(epochs, nameof(epochs));
        if (data.Count == 0) ThrowHelper.Argument(nameof(data), "0 examples", "training needs at least one example");
        Kind = kind;
        _network = network;
        _data = data;
        _batch = batch;
        _epochs = epochs;
        _batchSize = options.BatchSize;
        _bucket = options.BucketByLength;
        _seed = options.Seed;
        var random = new DeterministicRandom(_seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        if (validationIndices is null)
        {
            int validationCount = options.ValidationFraction > 0 && data.Count > 1
                ? Math.Clamp((int)Math.Round(data.Count * options.ValidationFraction), 1, data.Count - 1) : 0;
            _validation = order[..validationCount];
            _train = order[validationCount..];
        }
        else
        {
            var held = new bool[data.Count];
            foreach (int i in validationIndices)
            {
                if ((uint)i >= (uint)data.Count || held[i])
                    ThrowHelper.OutOfRange(nameof(validationIndices), i, $"validation indices must be distinct and in [0, {data.Count})");
                held[i] = true;
            }
            _validation = [.. validationIndices];
            _train = Enumerable.Range(0, data.Count).Where(i => !held[i]).ToArray();
            if (_train.Length == 0) ThrowHelper.Argument(nameof(validationIndices), $"{_validation.Length} indices", "at least one example must be left to train on");
        }
        Array.Sort(_validation);
        Array.Sort(_train);
        _lengths = _train.Select(data.LengthOf).ToArray();
        // The shuffler continues from the split: the batches of every epoch follow from the seed alone.
        _startRandom = random.GetState();
        TotalSteps = (long)((_train.Length + _batchSize - 1) / _batchSize) * epochs;
    }

    private readonly ulong[] _startRandom;

    /// <inheritdoc/>
    public string Kind { get; }

    /// <inheritdoc/>
    public long TotalSteps { get; }

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public bool HasValidation => _validation.Length > 0;

    /// <summary>The indices of the validation examples, ascending.</summary>
    public IReadOnlyList<int> ValidationIndices => _validation;

    /// <inheritdoc/>
    public IReadOnlyList<(string Key, long Value)> Identity => [("data.count", _data.Count), ("batch_size", _batchSize), ("seed", _seed)];

    /// <inheritdoc/>
    public void Start()
    {
        _random = new DeterministicRandom(0);
        _random.SetState(_startRandom);
        Epoch = 0;
        _batches = [];
        _batchInEpoch = 0;
        _epochRandom = _random.GetState();
    }

    /// <inheritdoc/>
    public bool TryNext(long stepsTaken, out TBatch batch)
    {
        batch = _batch;
        if (_batchInEpoch >= _batches.Length)
        {
            if (Epoch >= _epochs) return false;
            Epoch++;
            _batchInEpoch = 0;
            _epochRandom = _random.GetState();
            _batches = DrawBatches();
        }
        int[] rows = _batches[_batchInEpoch];
        Span<int> indices = rows.Length <= 256 ? stackalloc int[rows.Length] : new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) indices[i] = _train[rows[i]];
        _data.Fill(indices, _batch);
        return true;
    }

    /// <inheritdoc/>
    public bool AfterStep(long step)
    {
        _batchInEpoch++;
        return _batchInEpoch == _batches.Length;
    }

    /// <inheritdoc/>
    public EvaluationResult Evaluate() => Score(_network, _data, _batch, _validation, _batchSize);

    private int[][] DrawBatches() => _bucket ? LengthBuckets.Batches(_lengths, _batchSize, _random) : LengthBuckets.Shuffled(_lengths.Length, _batchSize, _random);

    /// <inheritdoc/>
    public void Finish()
    {
    }

    /// <inheritdoc/>
    public void Save(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.BatchInEpoch = _batchInEpoch;
        // The shuffler as it was before this epoch's batches were drawn: resuming draws them again.
        var random = new DeterministicRandom(0);
        random.SetState(_epochRandom);
        checkpoint.SaveRandom(ShuffleKey, random);
    }

    /// <inheritdoc/>
    public void Restore(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Epoch = checkpoint.Epoch;
        checkpoint.RestoreRandom(ShuffleKey, _random);
        _epochRandom = _random.GetState();
        _batches = Epoch > 0 ? DrawBatches() : [];
        _batchInEpoch = checkpoint.State.Contains(BatchKey) ? checkpoint.BatchInEpoch : 0;
    }

    /// <summary>
    /// Scores the examples <paramref name="indices"/> (all when null) with dropout off, in batches of similar length.
    /// </summary>
    /// <param name="network">The network to score.</param>
    /// <param name="data">The labelled examples.</param>
    /// <param name="batch">A batch object to fill.</param>
    /// <param name="indices">Which examples; null for all.</param>
    /// <param name="batchSize">The most examples per batch.</param>
    public static EvaluationResult Score(ITrainableNetwork<TBatch> network, IBatchSource<TBatch> data, TBatch batch, IReadOnlyList<int>? indices, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        indices ??= Enumerable.Range(0, data.Count).ToArray();
        // Sorted by length so batches carry little padding; the order does not change the sums' terms.
        int[] sorted = indices.OrderBy(data.LengthOf).ThenBy(i => i).ToArray();
        var totals = new EvaluationTotals();
        for (int start = 0; start < sorted.Length; start += batchSize)
        {
            int n = Math.Min(batchSize, sorted.Length - start);
            data.Fill(sorted.AsSpan(start, n), batch);
            totals += network.Score(batch);
        }
        return totals.ToResult();
    }
}
