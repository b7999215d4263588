using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>Options of <see cref="SequenceTrainer"/>: <see cref="TrainingOptions"/> plus the number of epochs.</summary>
public sealed class SequenceTrainerOptions : TrainingOptions
{
    /// <summary>Passes over the training sequences.</summary>
    public int Epochs { get; init; } = 10;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositive(Epochs, nameof(Epochs));
    }
}
