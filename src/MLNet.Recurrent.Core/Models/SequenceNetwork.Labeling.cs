using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    private int[] _tags = [];
    private readonly Tensor _marginals = new(0);

    /// <summary>
    /// Labels every real step of <paramref name="batch"/> (dropout off): each step's most likely class (ties to the
    /// lower id) for a softmax output layer, the Viterbi path for a CRF; optionally the probabilities too.
    /// </summary>
    /// <param name="batch">The inputs and lengths (targets are ignored).</param>
    /// <param name="labels">[T * B] time-major: overwritten with each real step's class id, -1 on padding.</param>
    /// <param name="probabilities">Optional [T * B, K]: resized and overwritten as by <see cref="Predict"/>.</param>
    /// <exception cref="InvalidOperationException">The network predicts one class per sequence.</exception>
    public void Label(SequenceBatch batch, Span<int> labels, Tensor? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!Options.PerStepOutput) ThrowHelper.InvalidOperation("Label needs a network that predicts every step ('PerStepOutput').");
        ThrowHelper.ThrowIfTooShort(labels.Length, (long)batch.Steps * batch.BatchSize, nameof(labels));
        RunInference(batch);
        int b = batch.BatchSize, k = Options.OutputSize, n = batch.Steps * b;
        if (_crf is not null)
        {
            DecodeLast(batch);
            _tags.AsSpan(0, n).CopyTo(labels);
        }
        else
        {
            ReadOnlySpan<float> z = _logits.Span;
            ReadOnlySpan<int> lengths = batch.Lengths;
            for (int i = 0; i < n; i++)
                labels[i] = i / b < lengths[i % b] ? TensorPrimitives.IndexOfMax(z.Slice(i * k, k)) : -1;
        }
        if (probabilities is not null) WriteProbabilities(batch, probabilities);
    }

    /// <summary>Viterbi over the last logits into <c>_tags</c> ([T * B], -1 on padding).</summary>
    private void DecodeLast(SequenceBatch batch)
    {
        int n = batch.Steps * batch.BatchSize;
        if (_tags.Length < n) _tags = new int[n];
        if (n == 0) return;
        _logits.Resize(batch.Steps, batch.BatchSize, Options.OutputSize);
        _crf!.Decode(_logits, batch.Lengths, _tags.AsSpan(0, n));
        _logits.Resize(n, Options.OutputSize);
    }

    private void WriteProbabilities(SequenceBatch batch, Tensor probabilities)
    {
        int k = Options.OutputSize, n = _logits.Length / k;
        probabilities.Resize(n, k);
        if (_crf is not null && n > 0)
        {
            _logits.Resize(batch.Steps, batch.BatchSize, k);
            _crf.Marginals(_logits, batch.Lengths, _marginals);
            _logits.Resize(n, k);
            _marginals.Span.CopyTo(probabilities.Span);
            return;
        }
        ReadOnlySpan<float> z = _logits.Span;
        Span<float> p = probabilities.Span;
        for (int row = 0; row < n; row++) TensorPrimitives.SoftMax(z.Slice(row * k, k), p.Slice(row * k, k));
    }
}
