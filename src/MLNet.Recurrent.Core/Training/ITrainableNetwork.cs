using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// What <see cref="TrainingLoop{TBatch}"/> needs from a network: its weights, a training forward pass and its
/// backward pass, scoring without dropout, and the generator states a checkpoint must carry. Every network in
/// <c>Models</c> implements it for its own batch type; the loop never knows which network it trains.
/// </summary>
/// <typeparam name="TBatch">The network's batch: inputs, lengths and targets.</typeparam>
public interface ITrainableNetwork<in TBatch>
{
    /// <summary>All weights in one slab, gradients mirroring it.</summary>
    ParameterSet Parameters { get; }

    /// <summary>
    /// Runs <paramref name="batch"/> with dropout on and caches what <see cref="Backward"/> needs. Returns the mean loss
    /// over the targets that count, or NaN when an output is not finite (the loop then stops naming the step).
    /// </summary>
    double ForwardForTraining(TBatch batch);

    /// <summary>The number of targets the last <see cref="ForwardForTraining"/> counted (for tokens per second).</summary>
    long LastTargetCount { get; }

    /// <summary>Backpropagates the last <see cref="ForwardForTraining"/>, accumulating into <c>Parameters.Gradients</c>.</summary>
    void Backward();

    /// <summary>Scores <paramref name="batch"/> with dropout off: summed loss, number of targets, number predicted right.</summary>
    EvaluationTotals Score(TBatch batch);

    /// <summary>The states of the network's own generators (dropout masks), for a checkpoint.</summary>
    long[] ExportRandomState();

    /// <summary>Restores what <see cref="ExportRandomState"/> returned.</summary>
    void ImportRandomState(ReadOnlySpan<long> state);
}
