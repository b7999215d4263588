using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// Generation with the config-a language model at B = 1: each step feeds one token, carries (h, c) and takes the
/// argmax of the logits as the next token, as the compare harness's "stream" row defines it.
/// </summary>
public sealed class StreamingWorkload : IDisposable
{
    private readonly SequenceNetwork _network;
    private readonly SequenceBatch _batch = new();
    private int _token;

    /// <summary>Builds the config-a model.</summary>
    public StreamingWorkload()
    {
        _network = RecurrentConfig.A.BuildNetwork();
        _network.CarryState = true;
        _batch.Reset(1, 1, 0, perStepTargets: true);
    }

    /// <summary>One generation step; returns the chosen token.</summary>
    public int Step()
    {
        _batch.SetTokens(0, [_token]);
        _network.RunInference(_batch);
        _token = TensorPrimitives.IndexOfMax(_network.Logits.Span);
        return _token;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _network.Dispose();
        _batch.Dispose();
    }
}
