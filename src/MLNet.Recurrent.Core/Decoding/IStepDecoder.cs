namespace MLNet.Recurrent.Core.Decoding;

/// <summary>
/// A model that produces next-token logits one step at a time for a batch of rows, carrying its own state
/// (recurrent hidden states, attention context, conditioning). Samplers and beam search drive it; they never
/// see how the state is stored.
/// </summary>
public interface IStepDecoder
{
    /// <summary>V: the number of tokens the logits cover.</summary>
    int VocabularySize { get; }

    /// <summary>B: the number of rows the state currently holds.</summary>
    int BatchSize { get; }

    /// <summary>Starts <paramref name="batchSize"/> fresh rows (initial state, nothing consumed yet).</summary>
    void Reset(int batchSize);

    /// <summary>Consumes one token per row and writes the next token's logits.</summary>
    /// <param name="tokens">[B] the token each row reads now.</param>
    /// <param name="logits">[B, V] unnormalized log-probabilities of each row's next token.</param>
    void Step(ReadOnlySpan<int> tokens, Span<float> logits);

    /// <summary>
    /// Rebuilds the rows from existing ones: new row i takes the state of old row <c>sourceRows[i]</c>.
    /// The batch size becomes <c>sourceRows.Length</c> (beam search grows one primed row into W beams).
    /// </summary>
    void Reorder(ReadOnlySpan<int> sourceRows);
}
