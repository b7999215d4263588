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

    /// <summary>
    /// The states of every dropout mask generator (between layers, then before the output, then, when the options
    /// use them, token dropout and embedding dropout), for a training checkpoint.
    /// </summary>
    public long[] ExportRandomState()
    {
        var state = new List<long>();
        foreach (ulong[] words in RandomStates())
            foreach (ulong word in words) state.Add(unchecked((long)word));
        return [.. state];
    }

    /// <summary>Restores what <see cref="ExportRandomState"/> returned, so the next masks are the ones that would have followed.</summary>
    public void ImportRandomState(ReadOnlySpan<long> state)
    {
        int words = DeterministicRandom.StateLength, count = RandomStates().Count;
        if (state.Length != words * count)
            Internals.ThrowHelper.Argument(nameof(state), $"{state.Length} words", $"the network has {count} dropout generators of {words} words");
        Span<ulong> one = stackalloc ulong[words];
        int k = 0;
        for (; k < _rnn.DropoutLayers.Length; k++) _rnn.DropoutLayers[k].SetRandomState(Read(state, k, one));
        _outputDropout.SetRandomState(Read(state, k++, one));
        if (Options.TokenDropout > 0f) _tokenDropRandom.SetState(Read(state, k++, one));
        if (Options.EmbeddingDropout > 0f) _embeddingDropout.SetRandomState(Read(state, k, one));
    }

    private List<ulong[]> RandomStates()
    {
        var states = new List<ulong[]>();
        foreach (var dropout in _rnn.DropoutLayers) states.Add(dropout.GetRandomState());
        states.Add(_outputDropout.GetRandomState());
        if (Options.TokenDropout > 0f) states.Add(_tokenDropRandom.GetState());
        if (Options.EmbeddingDropout > 0f) states.Add(_embeddingDropout.GetRandomState());
        return states;
    }

    private static ReadOnlySpan<ulong> Read(ReadOnlySpan<long> state, int generator, Span<ulong> into)
    {
        for (int i = 0; i < into.Length; i++) into[i] = unchecked((ulong)state[generator * into.Length + i]);
        return into;
    }
}
