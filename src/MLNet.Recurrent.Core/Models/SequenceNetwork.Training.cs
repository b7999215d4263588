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

    /// <summary>Runs the network on a batch, computes the mean cross-entropy of its targets and caches what <see cref="Backward"/> needs.</summary>
    /// <param name="batch">The inputs, lengths and targets.</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <returns>The mean loss over the targets that count (natural log); 0 when none count.</returns>
    public double Forward(SequenceBatch batch, bool training)
    {
        RunToLogits(batch, training);
        return _loss.Forward(_logits, batch.Targets);
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
        return _loss.Forward(_logits, batch.Targets);
    }

    /// <summary>The summed negative log-likelihood (nats) and the number of targets of the last <see cref="Forward"/>.</summary>
    public (double NllSum, double Count) LastLoss => (_loss.NllSum, _loss.Count);

    /// <inheritdoc/>
    long ITrainableNetwork<SequenceBatch>.LastTargetCount => (long)_loss.Count;

    /// <summary>Scores <paramref name="batch"/> with dropout off: summed loss, targets counted, targets predicted right.</summary>
    public EvaluationTotals Score(SequenceBatch batch)
    {
        Forward(batch, training: false);
        return new EvaluationTotals(_loss.NllSum, _loss.Count, SequenceTrainer.CountCorrect(_logits, batch.Targets));
    }

    /// <summary>Backpropagates the last <see cref="Forward"/>'s loss, accumulating into <c>Parameters.Gradients</c>.</summary>
    public void Backward()
    {
        var batch = _lastBatch ?? throw new InvalidOperationException("Backward was called before Forward.");
        _loss.Backward(_dLogits);
        _output.Backward(_dHeadInput, _dLogits, _headInput);
        Tensor dFeatures = _pooling is null ? _dRnnOutput : _dPooled;
        _outputDropout.Backward(dFeatures, _dHeadInput);
        _pooling?.Backward(_dRnnOutput, _dPooled);
        _rnn.Backward(_embedding is null ? null : _dEmbedded, null, null, null, _dRnnOutput, null, null);
        if (_embedding is not null)
        {
            _dEmbedded.Resize(batch.Steps * batch.BatchSize, Options.EmbeddingSize);
            _embedding.Backward(_dEmbedded, batch.Tokens);
        }
    }

    /// <summary>Runs the network without targets and writes class probabilities.</summary>
    /// <param name="batch">The inputs and lengths (targets are ignored).</param>
    /// <param name="probabilities">[N, K]: resized and overwritten with the softmax of each row's logits.</param>
    public void Predict(SequenceBatch batch, Tensor probabilities)
    {
        RunInference(batch);
        int k = Options.OutputSize, n = _logits.Length / k;
        probabilities.Resize(n, k);
        ReadOnlySpan<float> z = _logits.Span;
        Span<float> p = probabilities.Span;
        SoftmaxOperator.Invoke(z[..(n * k)], p, k);
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
            _embedding.Forward(batch.Tokens, _embedded);
            _embedded.Resize(steps, b, Options.EmbeddingSize);
            x = _embedded;
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
        _lastBatch = batch;
    }

    private void CheckBatch(SequenceBatch batch)
    {
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
