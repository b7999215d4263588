namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// One optimizer step: forward, finite checks, backward, clipping, schedule, update. A non-finite loss or
/// gradient raises before any weight changes, so the last good weights stay.
/// </summary>
internal sealed class StepRunner<TBatch>(ITrainableNetwork<TBatch> network, TrainingOptions options, IOptimizer optimizer, ILearningRateSchedule schedule)
{
    public IOptimizer Optimizer => optimizer;

    /// <summary>Takes one step on the batch; returns its loss and pre-clip gradient norm.</summary>
    public (double Loss, double GradientNorm) Step(TBatch batch)
    {
        long step = optimizer.StepCount + 1;
        network.Parameters.ZeroGradients();
        double loss = network.ForwardForTraining(batch);
        if (!double.IsFinite(loss)) throw new TrainingDivergedException(step, "loss", loss);
        network.Backward();
        double norm = GradientClipping.GlobalNorm(network.Parameters.Gradients);
        if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm);
        if (options.ClipNorm > 0) GradientClipping.ClipByGlobalNorm(network.Parameters, options.ClipNorm);
        if (options.ClipValue > 0) GradientClipping.ClipByValue(network.Parameters, options.ClipValue);
        optimizer.LearningRate = schedule.Rate(optimizer.StepCount);
        optimizer.Step(network.Parameters);
        return (loss, norm);
    }
}
