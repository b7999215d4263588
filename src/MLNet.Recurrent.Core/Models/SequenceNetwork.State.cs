using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;
namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    /// <summary>
    /// A lean step-at-a-time path over <paramref name="batch"/> rows (one token or frame per row in, logits out,
    /// state carried), with the weights pre-packed now; see <see cref="SequenceNetworkStream"/>. Independent of
    /// <see cref="CarryState"/> and of any forward pass.
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

    /// <summary>Copies the carried state into <paramref name="into"/> (or a new snapshot) and returns it.</summary>
    public CarriedState SaveCarriedState(CarriedState? into = null)
    {
        into ??= new CarriedState();
        into.HasState = _hasCarriedState;
        if (_hasCarriedState)
        {
            into.Hidden.Resize(_carriedHidden.Shape);
            _carriedHidden.Span.CopyTo(into.Hidden.Span);
            into.Cell.Resize(_carriedCell.Shape);
            _carriedCell.Span.CopyTo(into.Cell.Span);
        }
        return into;
    }

    /// <summary>Makes <paramref name="state"/> the state the next forward pass starts from.</summary>
    public void RestoreCarriedState(CarriedState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _hasCarriedState = state.HasState;
        if (!state.HasState) return;
        _carriedHidden.Resize(state.Hidden.Shape);
        state.Hidden.Span.CopyTo(_carriedHidden.Span);
        _carriedCell.Resize(state.Cell.Shape);
        state.Cell.Span.CopyTo(_carriedCell.Span);
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

    /// <summary>
    /// Rebuilds the carried state's batch rows: new row i takes old row <c>sourceRows[i]</c> in every layer and
    /// direction (beam search). Without a carried state nothing changes: every row is at the initial state.
    /// </summary>
    internal void GatherCarriedRows(ReadOnlySpan<int> sourceRows, Numerics.Tensor scratch)
    {
        if (!_hasCarriedState) return;
        Gather(_carriedHidden, sourceRows, scratch);
        if (_carriedCell.Length > 0) Gather(_carriedCell, sourceRows, scratch);
    }

    private static void Gather(Numerics.Tensor state, ReadOnlySpan<int> rows, Numerics.Tensor scratch)
    {
        // state: [L * dirs, B, H] -> [L * dirs, rows.Length, H]
        int layers = state.Dim(0), b = state.Dim(1), h = state.Dim(2);
        scratch.Resize(layers, rows.Length, h);
        ReadOnlySpan<float> from = state.Span;
        Span<float> to = scratch.Span;
        for (int l = 0; l < layers; l++)
            for (int i = 0; i < rows.Length; i++)
                from.Slice((l * b + rows[i]) * h, h).CopyTo(to.Slice((l * rows.Length + i) * h, h));
        state.Resize(layers, rows.Length, h);
        scratch.Span.CopyTo(state.Span);
    }
}
