using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    /// <summary>The per-row outputs of the last <see cref="Forward"/>: [N, K] logits, N = B (pooled) or T * B (per step).</summary>
    public Tensor Logits => _logits;

    /// <summary>
    /// Runs the network on a batch, computes the mean loss of its targets (cross-entropy, or the CRF's negative
    /// log-likelihood per real step) and caches what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="batch">The inputs, lengths and targets.</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <returns>The mean loss over the targets that count (natural log); 0 when none count.</returns>
    public double Forward(SequenceBatch batch, bool training)
    {
        RunToLogits(batch, training);
        return ComputeLoss(batch);
    }

    /// <summary>
    /// <see cref="Forward"/> with dropout on, for a trainer: when a logit is NaN or infinite it returns NaN instead of
    /// letting the loss reject the logits, so the trainer can stop with <c>TrainingDivergedException</c> naming the step.
    /// </summary>
    public double ForwardForTraining(SequenceBatch batch)
    {
        RunToLogits(batch, training: true);
        ReadOnlySpan<float> z = _logits.Span;
        if (z.Length > 0 && !float.IsFinite(TensorPrimitives.MaxMagnitude(z))) return double.NaN;
        return ComputeLoss(batch);
    }

    private double ComputeLoss(SequenceBatch batch)
    {
        if (_crf is null) return _loss.Forward(_logits, batch.Targets);
        // The CRF reads the per-step scores as emissions [T, B, K]; padding steps are never read.
        _logits.Resize(batch.Steps, batch.BatchSize, Options.OutputSize);
        double loss = _crf.Forward(_logits, batch.Lengths, batch.Targets);
        _logits.Resize(batch.Steps * batch.BatchSize, Options.OutputSize);
        return loss;
    }

    /// <summary>The summed negative log-likelihood (nats) and the number of targets of the last <see cref="Forward"/>.</summary>
    public (double NllSum, double Count) LastLoss => _crf is null ? (_loss.NllSum, _loss.Count) : (_crf.NllSum, _crf.StepCount);

    /// <inheritdoc/>
    long ITrainableNetwork<SequenceBatch>.LastTargetCount => (long)LastLoss.Count;

    /// <summary>
    /// Scores <paramref name="batch"/> with dropout off: summed loss, targets counted, targets predicted right (each
    /// step's argmax, or the Viterbi path for a CRF output layer).
    /// </summary>
    public EvaluationTotals Score(SequenceBatch batch)
    {
        Forward(batch, training: false);
        var (nll, count) = LastLoss;
        if (_crf is null) return new EvaluationTotals(nll, count, SequenceTrainer.CountCorrect(_logits, batch.Targets));
        DecodeLast(batch);
        int correct = 0;
        ReadOnlySpan<int> targets = batch.Targets;
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] != SequenceBatch.IgnoreTarget && _tags[i] == targets[i]) correct++;
        return new EvaluationTotals(nll, count, correct);
    }

    /// <summary>Backpropagates the last <see cref="Forward"/>'s loss, accumulating into <c>Parameters.Gradients</c>.</summary>
    public void Backward()
    {
        var batch = _lastBatch ?? throw new InvalidOperationException("Backward was called before Forward.");
        if (_crf is null) _loss.Backward(_dLogits);
        else _crf.Backward(_dLogits); // [T, B, K]: the linear layer reads it as T * B rows
        _output.Backward(_dHeadInput, _dLogits, _headInput);
        if (_side is not null)
        {
            int k = Options.OutputSize;
            ReadOnlySpan<float> dz = _dLogits.Span;
            for (int b = 0; b < batch.BatchSize; b++)
                _side.Backward(dz.Slice(b * k, k), batch.SideIndicesOf(b), batch.SideValuesOf(b));
        }
        Tensor dFeatures = _pooling is null ? _dRnnOutput : _dPooled;
        _outputDropout.Backward(dFeatures, _dHeadInput);
        _pooling?.Backward(_dRnnOutput, _dPooled);
        _rnn.Backward(_embedding is null ? null : _charRnn is null ? _dEmbedded : _dWordInput, null, null, null, _dRnnOutput, null, null);
        if (_charRnn is not null) CharacterFeaturesBackward(batch);
        if (_embedding is not null)
        {
            _dEmbedded.Resize(batch.Steps * batch.BatchSize, Options.EmbeddingSize);
            if (Options.EmbeddingDropout > 0f) _embeddingDropout.Backward(_dEmbedded.Span, _dEmbedded.Span);
            _embedding.Backward(_dEmbedded, EmbeddedIds(batch));
        }
    }

    /// <summary>
    /// Runs the network without targets and writes class probabilities: the softmax of each row's logits, or for a
    /// CRF output layer each step's marginal <c>p(y_t = k | x)</c> (zero rows on padding).
    /// </summary>
    /// <param name="batch">The inputs and lengths (targets are ignored).</param>
    /// <param name="probabilities">[N, K]: resized and overwritten.</param>
    public void Predict(SequenceBatch batch, Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        RunInference(batch);
        WriteProbabilities(batch, probabilities);
    }

    /// <summary>Runs the network without targets (no dropout); the result is in <see cref="Logits"/>.</summary>
    public void RunInference(SequenceBatch batch) => RunToLogits(batch, training: false);

    private void RunToLogits(SequenceBatch batch, bool training)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckBatch(batch);
        int steps = batch.Steps, b = batch.BatchSize;
        Tensor x;
        if (_embedding is not null)
        {
            _embedding.Forward(DropTokens(batch, training), _embedded);
            _embedded.Resize(steps, b, Options.EmbeddingSize);
            if (Options.EmbeddingDropout > 0f) _embeddingDropout.Forward(_embedded.Span, _embedded.Span, training);
            x = _charRnn is null ? _embedded : WithCharacterFeatures(batch, _embedded, training);
        }
        else x = batch.Frames;

        bool lstm = Options.Cell == CellType.Lstm;
        // A batch that continues earlier chunks of the same streams starts from their final state (its gradient is
        // not carried: truncated BPTT); otherwise from the initial state (zeros or learned).
        CarriedState? initial = batch.InitialState is { HasState: true } carried ? carried : null;
        if (initial is not null && initial.Hidden.Dim(1) != b)
            ThrowHelper.Argument(nameof(batch), $"batch size {b}", $"its initial state has batch size {initial.Hidden.Dim(1)}");
        _rnn.Forward(x, batch.Lengths, initial?.Hidden, initial is not null && lstm ? initial.Cell : null, null,
            _rnnOutput, _finalHidden, lstm ? _finalCell : null, training);

        Tensor features = _rnnOutput;
        if (_pooling is not null)
        {
            _pooling.Forward(_rnnOutput, batch.Lengths, _pooled);
            features = _pooled;
        }
        _outputDropout.Forward(features, _headInput, training);
        _output.Forward(_headInput, _logits);
        _logits.Resize(_logits.Length / Options.OutputSize, Options.OutputSize);
        if (_side is not null)
        {
            int k = Options.OutputSize;
            Span<float> z = _logits.Span;
            for (int row = 0; row < b; row++)
                _side.Forward(batch.SideIndicesOf(row), batch.SideValuesOf(row), z.Slice(row * k, k));
        }
        _lastBatch = batch;
    }

    /// <summary>
    /// The ids the embedding reads: the batch's own, or while training with token dropout a copy in which each real
    /// step's id became the unknown id 0 with probability <see cref="SequenceNetworkOptions.TokenDropout"/>.
    /// </summary>
    private ReadOnlySpan<int> DropTokens(SequenceBatch batch, bool training)
    {
        _tokensDropped = training && Options.TokenDropout > 0f;
        if (!_tokensDropped) return batch.Tokens;
        ReadOnlySpan<int> ids = batch.Tokens;
        if (_droppedTokens.Length < ids.Length) _droppedTokens = new int[Math.Max(ids.Length, 2 * _droppedTokens.Length)];
        Span<int> dropped = _droppedTokens.AsSpan(0, ids.Length);
        ids.CopyTo(dropped);
        int b = batch.BatchSize;
        ReadOnlySpan<int> lengths = batch.Lengths;
        float p = Options.TokenDropout;
        // Row by row and step by step over real steps only, so the draws do not depend on the padding.
        for (int row = 0; row < b; row++)
            for (int t = 0; t < lengths[row]; t++)
                if (_tokenDropRandom.NextSingle() < p) dropped[t * b + row] = 0;
        return dropped;
    }

    /// <summary>The ids the last forward pass embedded (see <see cref="DropTokens"/>).</summary>
    private ReadOnlySpan<int> EmbeddedIds(SequenceBatch batch) =>
        _tokensDropped ? _droppedTokens.AsSpan(0, batch.Tokens.Length) : batch.Tokens;

    private void CheckBatch(SequenceBatch batch)
    {
        if (batch.HasSideFeatures && _side is null)
            ThrowHelper.Argument(nameof(batch), "side features", "the network has no side input (SideInputSize = 0)");
        if (Options.TokenInput != (batch.FrameSize == 0) || (!Options.TokenInput && batch.FrameSize != Options.FrameSize))
            ThrowHelper.Argument(nameof(batch), batch.FrameSize == 0 ? "token ids" : $"frames of {batch.FrameSize} features",
                Options.TokenInput ? "the network reads token ids" : $"the network reads frames of {Options.FrameSize} features");
        bool perStep = batch.TargetCount == batch.Steps * batch.BatchSize && batch.TargetCount != batch.BatchSize;
        if (batch.TargetCount != batch.BatchSize && !Options.PerStepOutput)
            ThrowHelper.Argument(nameof(batch), "per-step targets", "the network predicts one class per sequence");
        if (perStep && !Options.PerStepOutput)
            ThrowHelper.Argument(nameof(batch), "per-step targets", "the network predicts one class per sequence");
    }
}
