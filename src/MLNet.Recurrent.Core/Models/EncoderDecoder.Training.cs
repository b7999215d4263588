using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder : ITrainableNetwork<Seq2SeqBatch>
{
    /// <summary>
    /// A training forward pass for <see cref="TrainingLoop{TBatch}"/>: dropout on, the decoder's inputs chosen by
    /// <see cref="TeacherForcing"/> at the current training step. Returns the mean negative log-likelihood, or NaN
    /// when a logit is not finite.
    /// </summary>
    public double ForwardForTraining(Seq2SeqBatch batch)
    {
        double p = TeacherForcing.Probability(_trainingSteps);
        _trainingSteps++;
        double loss = Forward(batch, training: true, p);
        _epochNll += _nllSum;
        _epochCount += _count;
        return loss;
    }

    private double _epochNll;
    private long _epochCount;

    /// <summary>The targets of the last forward pass that counted (for tokens per second).</summary>
    public long LastTargetCount => _count;

    /// <summary>
    /// The mean training negative log-likelihood per target since the last call (the epoch's train loss when read
    /// after each epoch), then starts a new sum.
    /// </summary>
    public double TakeTrainingLoss()
    {
        double mean = _epochCount > 0 ? _epochNll / _epochCount : 0;
        _epochNll = 0;
        _epochCount = 0;
        return mean;
    }

    /// <summary>Teacher-forced scoring with dropout off: summed NLL, targets counted, targets whose argmax is right.</summary>
    public EvaluationTotals Score(Seq2SeqBatch batch)
    {
        Forward(batch, training: false, 1);
        int v = _vocabulary, correct = 0;
        ReadOnlySpan<int> targets = batch.Targets;
        ReadOnlySpan<float> z = _logitsRows.Span;
        for (int q = 0; q < _outputRowCount; q++)
        {
            int y = targets[_outputRows[q]];
            if (y != Seq2SeqBatch.IgnoreTarget && TensorPrimitives.IndexOfMax(z.Slice(q * v, v)) == y) correct++;
        }
        return new EvaluationTotals(_nllSum, _count, correct);
    }

    /// <summary>
    /// The generators a checkpoint must carry: the encoder's dropout between layers, the three dropout masks, the
    /// scheduled-sampling coins, and the training-step count the schedule reads.
    /// </summary>
    public long[] ExportRandomState()
    {
        var state = new List<long>();
        foreach (var dropout in _encoder.DropoutLayers) Append(dropout.GetRandomState());
        Append(_sourceDropout.GetRandomState());
        Append(_targetDropout.GetRandomState());
        Append(_outputDropout.GetRandomState());
        Append(_sampling.GetState());
        state.Add(_trainingSteps);
        return [.. state];

        void Append(ulong[] words)
        {
            foreach (ulong w in words) state.Add(unchecked((long)w));
        }
    }

    /// <summary>Restores what <see cref="ExportRandomState"/> returned.</summary>
    public void ImportRandomState(ReadOnlySpan<long> state)
    {
        int words = DeterministicRandom.StateLength, generators = _encoder.DropoutLayers.Length + 4;
        if (state.Length != words * generators + 1)
            ThrowHelper.Argument(nameof(state), $"{state.Length} words", $"the network has {generators} generators of {words} words and a step count");
        Span<ulong> one = stackalloc ulong[words];
        for (int k = 0; k < generators; k++)
        {
            for (int i = 0; i < words; i++) one[i] = unchecked((ulong)state[k * words + i]);
            int extra = k - _encoder.DropoutLayers.Length;
            if (extra < 0) _encoder.DropoutLayers[k].SetRandomState(one);
            else if (extra == 0) _sourceDropout.SetRandomState(one);
            else if (extra == 1) _targetDropout.SetRandomState(one);
            else if (extra == 2) _outputDropout.SetRandomState(one);
            else _sampling.SetState(one);
        }
        _trainingSteps = state[^1];
    }
}
