using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Parameters;
namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    /// <summary>
    /// A lean step-at-a-time path over <paramref name="batch"/> rows (one token or frame per row in, logits out,
    /// state carried), with the weights pre-packed now; see <see cref="SequenceNetworkStream"/>. Independent of
    /// any forward pass.
    /// </summary>
    /// <param name="batch">B: rows stepped together; must be positive.</param>
    /// <exception cref="InvalidOperationException">The network does not predict every step, or is bidirectional.</exception>
    public SequenceNetworkStream CreateStream(int batch = 1)
    {
        Internals.ThrowHelper.ThrowIfNotPositive(batch, nameof(batch));
        if (!Options.PerStepOutput || Options.Bidirectional)
            Internals.ThrowHelper.InvalidOperation(
                $"Streaming needs a unidirectional network that predicts every step; this one has Bidirectional = {Options.Bidirectional}, PerStepOutput = {Options.PerStepOutput}.");
        if (Options.CharacterFeatures)
            Internals.ThrowHelper.InvalidOperation("Streaming does not read character-level word features yet; build the network with CharacterVocabularySize = 0 to stream.");
        return new SequenceNetworkStream(_embedding, Options.FrameSize, _rnn, _output, batch);
    }

    /// <summary>
    /// Copies the final state of the last forward pass ([L * dirs, B, H] hidden, and cell for an LSTM) into
    /// <paramref name="into"/> (or a new snapshot) and returns it: set it as the next chunk's
    /// <see cref="SequenceBatch.InitialState"/> to carry the state across chunks of the same streams.
    /// </summary>
    public CarriedState SaveFinalState(CarriedState? into = null)
    {
        if (_lastBatch is null) Internals.ThrowHelper.InvalidOperation("SaveFinalState was called before any forward pass.");
        into ??= new CarriedState();
        into.HasState = true;
        into.Hidden.Resize(_finalHidden.Shape);
        _finalHidden.Span.CopyTo(into.Hidden.Span);
        if (Options.Cell == CellType.Lstm)
        {
            into.Cell.Resize(_finalCell.Shape);
            _finalCell.Span.CopyTo(into.Cell.Span);
        }
        else into.Cell.Resize(0);
        return into;
    }

    /// <summary>The states of every dropout mask generator (between layers, then before the output), for a training checkpoint.</summary>
    public long[] ExportRandomState()
    {
        var state = new List<long>();
        foreach (var dropout in _rnn.DropoutLayers) Append(dropout);
        Append(_outputDropout);
        return [.. state];

        void Append(Layers.Dropout dropout)
        {
            foreach (ulong word in dropout.GetRandomState()) state.Add(unchecked((long)word));
        }
    }

    /// <summary>Restores what <see cref="ExportRandomState"/> returned, so the next masks are the ones that would have followed.</summary>
    public void ImportRandomState(ReadOnlySpan<long> state)
    {
        int words = DeterministicRandom.StateLength, count = _rnn.DropoutLayers.Length + 1;
        if (state.Length != words * count)
            Internals.ThrowHelper.Argument(nameof(state), $"{state.Length} words", $"the network has {count} dropout generators of {words} words");
        Span<ulong> one = stackalloc ulong[words];
        for (int k = 0; k < count; k++)
        {
            for (int i = 0; i < words; i++) one[i] = unchecked((ulong)state[k * words + i]);
            (k < count - 1 ? _rnn.DropoutLayers[k] : _outputDropout).SetRandomState(one);
        }
    }
}
