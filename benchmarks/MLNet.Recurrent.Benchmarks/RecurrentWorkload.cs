using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// A network, a batch and an Adam optimizer for one configuration: what PyTorch's <c>train_step</c> and <c>infer</c>
/// do in <c>torch_rnn_bench.py</c>, step for step.
/// </summary>
public sealed class RecurrentWorkload : IDisposable
{
    private readonly SequenceNetwork _network;
    private readonly SequenceBatch _batch;
    private readonly Adam _adam = new(learningRate: 1e-3);

    /// <summary>Builds the workload for <paramref name="config"/>.</summary>
    public RecurrentWorkload(RecurrentConfig config)
    {
        Config = config;
        _network = config.BuildNetwork();
        _batch = config.BuildBatch();
    }

    /// <summary>The configuration.</summary>
    public RecurrentConfig Config { get; }

    /// <summary>The network.</summary>
    public SequenceNetwork Network => _network;

    /// <summary>One training step: zero gradients, forward with the loss, backward, Adam; returns the loss.</summary>
    public double TrainStep()
    {
        _network.Parameters.ZeroGradients();
        double loss = _network.Forward(_batch, training: true);
        _network.Backward();
        _adam.Step(_network.Parameters);
        return loss;
    }

    /// <summary>One forward pass to logits, no loss, no dropout.</summary>
    public void Infer() => _network.RunInference(_batch);

    /// <inheritdoc/>
    public void Dispose()
    {
        _network.Dispose();
        _batch.Dispose();
    }
}
