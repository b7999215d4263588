namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// A learning rate as a function of the step. A training loop sets
/// <c>optimizer.LearningRate = schedule.Rate(optimizer.StepCount)</c> before each step, so the first step uses
/// <c>Rate(0)</c>; a schedule holds no state, so resuming from a checkpoint needs only the step count.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of the step that follows <paramref name="step"/> completed steps.</summary>
    /// <param name="step">The number of steps already taken; zero or positive.</param>
    double Rate(long step);
}
