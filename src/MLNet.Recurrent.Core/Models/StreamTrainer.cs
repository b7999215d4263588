using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Truncated backpropagation through time over one long token stream, char-rnn style: the stream is cut into B
/// parallel tracks, read k1 steps at a time, and the hidden state is carried from one chunk to the next but its
/// gradient is not (detached). Each update backpropagates k2 steps. The last fraction of the stream is held out
/// and scored every few hundred steps; the best weights are kept.
/// </summary>
public sealed partial class StreamTrainer
{
    private readonly SequenceNetwork _network;
    private readonly StreamTrainerOptions _options;
    private readonly SequenceBatch _batch = new();
    private readonly CarriedState _evaluationState = new();

    /// <summary>Prepares to train <paramref name="network"/> (per-step token output) from its current weights.</summary>
    public StreamTrainer(SequenceNetwork network, StreamTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!network.Options.TokenInput || !network.Options.PerStepOutput || network.Options.Bidirectional)
            ThrowHelper.Argument(nameof(network), "its options", "truncated BPTT over a stream needs a unidirectional network that reads token ids and predicts every step");
        _network = network;
        _options = options;
    }

    /// <summary>
    /// Receives a <see cref="TrainingCheckpoint"/> every <see cref="TrainingOptions.CheckpointEvery"/> steps; write it
    /// somewhere and pass it to <see cref="Resume"/> to continue the run as if it had never stopped.
    /// </summary>
    public Action<TrainingCheckpoint>? OnCheckpoint { get; set; }

    /// <summary>Trains on <paramref name="stream"/> (its last <c>ValidationFraction</c> held out).</summary>
    /// <param name="stream">Token ids; each next token is the target of the one before it.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops at the next step; the network then holds the best weights so far.</param>
    public TrainingResult Fit(int[] stream, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int cut = (int)(stream.Length * (1 - _options.ValidationFraction));
        return Fit(stream.AsMemory(0, cut), stream.AsMemory(cut), progress, cancellation);
    }

    /// <summary>Trains on <paramref name="train"/> and scores <paramref name="validation"/> (which may be empty).</summary>
    /// <param name="train">Training token ids; each next token is the target of the one before it.</param>
    /// <param name="validation">Held-out token ids, scored every <c>EvaluateEvery</c> steps; empty for none.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops at the next step; the network then holds the best weights so far.</param>
    public TrainingResult Fit(ReadOnlyMemory<int> train, ReadOnlyMemory<int> validation, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(train, validation, null, progress, cancellation);

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpoint"/>: weights, optimizer state, stream position, the
    /// carried states of the last k2/k1 chunk boundaries, dropout generators, best weights, early-stopping counter
    /// and history are restored, so the run ends with the same weights as one that never stopped. The network must
    /// have the same shape; the options and streams must be those of the run that wrote the checkpoint.
    /// </summary>
    /// <param name="checkpoint">A checkpoint from <see cref="OnCheckpoint"/> or <see cref="TrainingResult.Checkpoint"/>.</param>
    /// <param name="train">The same training token ids.</param>
    /// <param name="validation">The same held-out token ids.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops at the next step, as in <see cref="Fit(ReadOnlyMemory{int}, ReadOnlyMemory{int}, IProgress{TrainingProgress}?, CancellationToken)"/>.</param>
    public TrainingResult Resume(TrainingCheckpoint checkpoint, ReadOnlyMemory<int> train, ReadOnlyMemory<int> validation,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Run(train, validation, checkpoint, progress, cancellation);
    }

    private const string Kind = nameof(StreamTrainer);

    private TrainingResult Run(ReadOnlyMemory<int> train, ReadOnlyMemory<int> validation, TrainingCheckpoint? resume,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        int b = _options.BatchSize, k1 = _options.SequenceLength;
        long trackLength = (train.Length - 1) / b;
        if (trackLength < k1)
            ThrowHelper.Argument(nameof(train), $"{train.Length} tokens",
                $"{b} tracks ('BatchSize') of at least 'SequenceLength' ({k1}) steps need at least {(long)b * k1 + 1} training tokens");
        var plan = new StreamPlan(this, train, validation, trackLength);
        var loop = new TrainingLoop<SequenceBatch>(_network, plan, _options) { OnCheckpoint = OnCheckpoint };
        return loop.Run(resume, progress, cancellation);
    }

    /// <summary>
    /// Mean loss per token over a stream read as <c>ValidationTracks</c> parallel tracks in chunks of
    /// <c>ValidationChunk</c> steps, the state carried across chunks (the reference PyTorch script's measure
    /// with one track).
    /// </summary>
    public EvaluationResult Evaluate(ReadOnlySpan<int> stream)
    {
        int b = _options.ValidationTracks;
        long trackLength = (stream.Length - 1) / b;
        if (trackLength < 1) ThrowHelper.Argument(nameof(stream), $"{stream.Length} tokens", $"it needs at least {b + 1} tokens for {b} tracks");
        // The chunks are one stream: each starts from the state the previous one ended in.
        CarriedState? state = null;
        double nll = 0, count = 0, correct = 0;
        for (long start = 0; start < trackLength; start += _options.ValidationChunk)
        {
            int steps = (int)Math.Min(_options.ValidationChunk, trackLength - start);
            FillTracks(stream, trackLength, b, start, steps, firstTarget: 0);
            _batch.InitialState = state;
            _network.Forward(_batch, training: false);
            state = _network.SaveFinalState(_evaluationState);
            nll += _network.LastLoss.NllSum;
            count += _network.LastLoss.Count;
            correct += SequenceTrainer.CountCorrect(_network.Logits, _batch.Targets);
        }
        return new EvaluationResult(count > 0 ? nll / count : 0, count > 0 ? correct / count : 0, (long)count);
    }

    private void FillWindow(ReadOnlySpan<int> train, long trackLength, long start, long position, int steps) =>
        FillTracks(train, trackLength, _options.BatchSize, start, steps, firstTarget: (int)(position - start));

    /// <summary>Track j reads tokens [j*n + start, j*n + start + steps); targets before <paramref name="firstTarget"/> are ignored.</summary>
    private void FillTracks(ReadOnlySpan<int> stream, long trackLength, int tracks, long start, int steps, int firstTarget)
    {
        _batch.Reset(tracks, steps, 0, perStepTargets: true);
        Span<int> tokens = _batch.Tokens, targets = _batch.Targets, lengths = _batch.Lengths;
        for (int j = 0; j < tracks; j++)
        {
            long offset = j * trackLength + start;
            for (int t = 0; t < steps; t++)
            {
                tokens[t * tracks + j] = stream[(int)(offset + t)];
                if (t >= firstTarget) targets[t * tracks + j] = stream[(int)(offset + t + 1)];
            }
            lengths[j] = steps;
        }
    }
}
