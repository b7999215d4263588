using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Options of <see cref="StreamTrainer"/>: truncated backpropagation through time over one long stream read as
/// B parallel tracks (<see cref="TrainingOptions.BatchSize"/>), char-rnn style.
/// </summary>
public sealed class StreamTrainerOptions : TrainingOptions
{
    /// <summary>Creates options with the char-rnn defaults (validation: the last 5% of the stream).</summary>
    public StreamTrainerOptions() => ValidationFraction = 0.05;

    /// <summary>k1: steps read between two updates.</summary>
    public int SequenceLength { get; init; } = 64;

    /// <summary>
    /// k2: steps backpropagated at each update, a whole multiple of <see cref="SequenceLength"/>; 0 means k2 = k1.
    /// With k2 &gt; k1 each update re-reads the last k2 steps from the state saved k2 steps back, and only the newest
    /// k1 steps' predictions count in the loss (Williams and Peng's BPTT(k2, k1)).
    /// </summary>
    public int BackpropSteps { get; init; }

    /// <summary>The number of updates.</summary>
    public long Steps { get; init; } = 2000;

    /// <summary>Measures validation loss every this many steps (and at the end).</summary>
    public int EvaluateEvery { get; init; } = 500;

    /// <summary>Parallel tracks used to read the validation stream (1 reads it as one sequence).</summary>
    public int ValidationTracks { get; init; } = 1;

    /// <summary>Steps per forward pass while reading the validation stream (the state is carried across them).</summary>
    public int ValidationChunk { get; init; } = 256;

    /// <summary>k2 as used: <see cref="BackpropSteps"/>, or <see cref="SequenceLength"/> when that is 0.</summary>
    public int EffectiveBackpropSteps => BackpropSteps == 0 ? SequenceLength : BackpropSteps;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositive(SequenceLength, nameof(SequenceLength));
        ThrowHelper.ThrowIfNegative(BackpropSteps, nameof(BackpropSteps));
        if (BackpropSteps != 0 && (BackpropSteps < SequenceLength || BackpropSteps % SequenceLength != 0))
            ThrowHelper.Argument(nameof(BackpropSteps), BackpropSteps, $"it must be 0 or a whole multiple of 'SequenceLength' ({SequenceLength})");
        if (Steps <= 0) ThrowHelper.OutOfRange(nameof(Steps), Steps, "it must be positive");
        ThrowHelper.ThrowIfNotPositive(EvaluateEvery, nameof(EvaluateEvery));
        ThrowHelper.ThrowIfNotPositive(ValidationTracks, nameof(ValidationTracks));
        ThrowHelper.ThrowIfNotPositive(ValidationChunk, nameof(ValidationChunk));
    }
}
