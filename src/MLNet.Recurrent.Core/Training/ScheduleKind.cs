namespace MLNet.Recurrent.Core.Training;

/// <summary>The learning-rate schedules <see cref="TrainingOptions"/> can name.</summary>
public enum ScheduleKind
{
    /// <summary>The same rate at every step (<see cref="ConstantSchedule"/>).</summary>
    Constant,
    /// <summary>The rate times gamma every N steps (<see cref="StepSchedule"/>).</summary>
    Step,
    /// <summary>Linear warm-up, then cosine decay to a minimum (<see cref="WarmupCosineSchedule"/>).</summary>
    Cosine,
}
