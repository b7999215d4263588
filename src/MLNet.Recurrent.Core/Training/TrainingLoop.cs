using System.Diagnostics;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// The one training loop: it takes batches from an <see cref="ITrainingPlan{TBatch}"/>, steps an
/// <see cref="ITrainableNetwork{TBatch}"/>, scores validation when the plan says so, keeps the best weights,
/// stops on patience, a time budget or cancellation, reports progress, and writes and resumes checkpoints.
/// Whole-sequence, truncated-BPTT and encoder-decoder training all run through it.
/// </summary>
/// <typeparam name="TBatch">The network's batch type.</typeparam>
public sealed class TrainingLoop<TBatch>
{
    private readonly ITrainableNetwork<TBatch> _network;
    private readonly ITrainingPlan<TBatch> _plan;
    private readonly TrainingOptions _options;

    /// <summary>Prepares to train <paramref name="network"/> from its current weights on <paramref name="plan"/>'s batches.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="plan">Where the batches come from and when to score.</param>
    /// <param name="options">Optimizer, schedule, clipping, patience, time budget, reporting and checkpoint cadence.</param>
    public TrainingLoop(ITrainableNetwork<TBatch> network, ITrainingPlan<TBatch> plan, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _network = network;
        _plan = plan;
        _options = options;
    }

    /// <summary>
    /// Receives a <see cref="TrainingCheckpoint"/> every <see cref="TrainingOptions.CheckpointEvery"/> steps; write it
    /// somewhere and pass it to <see cref="Run"/> to continue the run as if it had never stopped.
    /// </summary>
    public Action<TrainingCheckpoint>? OnCheckpoint { get; set; }

    /// <summary>
    /// Trains until the plan is done, patience runs out, the time budget is spent or <paramref name="cancellation"/>
    /// fires; the network then holds the best validation weights (its last weights when nothing was scored).
    /// </summary>
    /// <param name="resume">A checkpoint of an earlier run of the same plan, options and data, or null for a new run.</param>
    /// <param name="progress">Receives a report every <c>ReportEvery</c> steps and after each evaluation.</param>
    /// <param name="cancellation">Stops at the next step; <see cref="TrainingResult.Checkpoint"/> then holds the state to resume from.</param>
    public TrainingResult Run(TrainingCheckpoint? resume, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var runner = new StepRunner<TBatch>(_network, _options, _options.CreateOptimizer(), _options.CreateSchedule(_plan.TotalSteps));
        var best = new BestWeights(_network.Parameters);
        var history = new List<TrainingProgress>();
        var clock = Stopwatch.StartNew();
        long targets = 0, lastEvaluated = 0;
        bool canceled = false, stoppedEarly = false, timeUp = false;
        double loss = 0, norm = 0;
        _plan.Start();
        if (resume is not null)
        {
            (loss, norm) = TrainerCheckpoints.Restore(resume, _plan.Kind, _network, runner.Optimizer, best, history, _plan.Identity);
            _plan.Restore(resume);
        }
        try
        {
            while (true)
            {
                if (cancellation.IsCancellationRequested || (_options.MaxDuration is { } limit && clock.Elapsed >= limit))
                {
                    canceled = cancellation.IsCancellationRequested;
                    timeUp = !canceled;
                    break;
                }
                if (!_plan.TryNext(runner.Optimizer.StepCount, out TBatch batch)) break;
                (loss, norm) = runner.Step(batch);
                targets += _network.LastTargetCount;
                long step = runner.Optimizer.StepCount;
                bool evaluate = _plan.AfterStep(step) && _plan.HasValidation;
                if (evaluate)
                {
                    lastEvaluated = step;
                    Evaluate();
                    if (_options.Patience > 0 && best.EvaluationsSinceBest >= _options.Patience) stoppedEarly = true;
                }
                else if (step % _options.ReportEvery == 0)
                    progress?.Report(Report(null));
                if (OnCheckpoint is not null && _options.CheckpointEvery > 0 && step % _options.CheckpointEvery == 0)
                    OnCheckpoint(Capture());
                if (stoppedEarly) break;
            }
            // A run cut short by its time budget still scores its last weights, so the updates since the last
            // evaluation are not thrown away when the best weights are restored.
            if (timeUp && _plan.HasValidation && runner.Optimizer.StepCount > lastEvaluated) Evaluate();
            TrainingCheckpoint? final = canceled || timeUp ? Capture() : null;
            if (_options.RestoreBestWeights) best.Restore();
            return new TrainingResult(runner.Optimizer.StepCount, _plan.Epoch, best.Best, stoppedEarly, canceled, history)
            {
                Checkpoint = final,
                TimedOut = timeUp,
            };
        }
        finally
        {
            _plan.Finish();
        }

        void Evaluate()
        {
            var result = _plan.Evaluate();
            best.Offer(result);
            var report = Report(result);
            history.Add(report);
            progress?.Report(report);
        }

        TrainingProgress Report(EvaluationResult? validation)
        {
            TimeSpan elapsed = clock.Elapsed;
            return new TrainingProgress(_plan.Epoch, runner.Optimizer.StepCount, _plan.TotalSteps, loss, norm,
                elapsed.TotalSeconds > 0 ? targets / elapsed.TotalSeconds : 0, elapsed, validation);
        }

        TrainingCheckpoint Capture()
        {
            var checkpoint = TrainerCheckpoints.Capture(_plan.Kind, _network, runner.Optimizer, best, history, (loss, norm), _plan.Identity);
            checkpoint.Epoch = _plan.Epoch;
            _plan.Save(checkpoint);
            return checkpoint;
        }
    }
}
