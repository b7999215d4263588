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
    private readonly SequenceNetworkStream _stream;
    private readonly float[] _logits;
    private readonly int[] _token = new int[1];

    /// <summary>Builds the config-a model.</summary>
    public StreamingWorkload()
    {
        _network = RecurrentConfig.A.BuildNetwork();
        _stream = _network.CreateStream(batch: 1);
        _logits = new float[_stream.OutputSize];
    }

    /// <summary>One generation step; returns the chosen token.</summary>
    public int Step()
    {
        _stream.Step(_token, _logits);
        _token[0] = TensorPrimitives.IndexOfMax(_logits);
        return _token[0];
    }

    /// <inheritdoc/>
    public void Dispose() => _network.Dispose();
}
