using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Drives a per-step token network one step at a time for samplers and beam search: each step is a forward pass
/// of one token per row with the state carried. The network is used exclusively while decoding.
/// </summary>
internal sealed class SequenceNetworkDecoder : IStepDecoder
{
    private readonly SequenceNetwork _network;
    private readonly SequenceBatch _batch = new();
    private readonly Tensor _gatherScratch = new(0);

    public SequenceNetworkDecoder(SequenceNetwork network)
    {
        if (!network.Options.TokenInput || !network.Options.PerStepOutput || network.Options.Bidirectional)
            ThrowHelper.Argument(nameof(network), "its options", "decoding needs a unidirectional network that reads token ids and predicts every step");
        _network = network;
    }

    public int VocabularySize => _network.Options.OutputSize;

    public int BatchSize { get; private set; }

    public void Reset(int batchSize)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        BatchSize = batchSize;
        _network.CarryState = true;
        _network.ResetState();
    }

    public void Step(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        if (tokens.Length != BatchSize) ThrowHelper.Argument(nameof(tokens), $"{tokens.Length} tokens", $"the decoder has {BatchSize} rows");
        _batch.Reset(BatchSize, 1, 0, perStepTargets: true);
        for (int b = 0; b < BatchSize; b++) _batch.SetTokens(b, tokens.Slice(b, 1));
        _network.RunInference(_batch);
        _network.Logits.Span.CopyTo(logits);
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        for (int i = 0; i < sourceRows.Length; i++)
            if ((uint)sourceRows[i] >= (uint)BatchSize) ThrowHelper.OutOfRange($"sourceRows[{i}]", sourceRows[i], $"it must be in [0, {BatchSize})");
        _network.GatherCarriedRows(sourceRows, _gatherScratch);
        BatchSize = sourceRows.Length;
    }
}
