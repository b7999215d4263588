using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>Options of <see cref="Seq2SeqTrainer"/>: <see cref="TrainingOptions"/>, epochs and scheduled sampling.</summary>
public sealed class Seq2SeqTrainerOptions : TrainingOptions
{
    /// <summary>Passes over the training pairs.</summary>
    public int Epochs { get; init; } = 15;

    /// <summary>The probability of feeding the true previous token, by training step (plain teacher forcing by default).</summary>
    public TeacherForcingSchedule TeacherForcing { get; init; } = TeacherForcingSchedule.Always;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ThrowHelper.ThrowIfNotPositive(Epochs, nameof(Epochs));
        ArgumentNullException.ThrowIfNull(TeacherForcing, nameof(TeacherForcing));
    }
}
