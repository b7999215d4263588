using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Drives a per-step token network one step at a time for samplers and beam search, through the lean
/// <see cref="SequenceNetworkStream"/> (weights packed when the decoder is created). The network's weights must
/// not change while decoding.
/// </summary>
internal sealed class SequenceNetworkDecoder : IStepDecoder
{
    private readonly SequenceNetwork _network;
    private SequenceNetworkStream? _stream;

    public SequenceNetworkDecoder(SequenceNetwork network)
    {
        if (!network.Options.TokenInput || !network.Options.PerStepOutput || network.Options.Bidirectional)
            ThrowHelper.Argument(nameof(network), "its options", "decoding needs a unidirectional network that reads token ids and predicts every step");
        _network = network;
    }

    public int VocabularySize => _network.Options.OutputSize;

    public int BatchSize => _stream?.BatchSize ?? 0;

    public void Reset(int batchSize)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        if (_stream is null || _stream.BatchSize != batchSize) _stream = _network.CreateStream(batchSize);
        else _stream.Reset();
    }

    public void Step(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        if (_stream is null) ThrowHelper.InvalidOperation("Step was called before Reset.");
        _stream!.Step(tokens, logits);
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        if (_stream is null) ThrowHelper.InvalidOperation("Reorder was called before Reset.");
        _stream!.Reorder(sourceRows);
    }
}
