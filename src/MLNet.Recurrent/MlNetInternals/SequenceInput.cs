using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// What a classifier reads: token ids or frames of D features. Tokens arrive as ML.NET keys 1..N (0 = missing);
/// <see cref="TokenIds"/> maps each key to the network's id: keys kept at training get ids 1..V-1 in key
/// order, and the missing key, keys too rare at training and keys beyond N share id 0, the unknown embedding.
/// </summary>
internal sealed class SequenceInput
{
    private SequenceInput(int[]? tokenIds, int frameSize)
    {
        TokenIds = tokenIds;
        FrameSize = frameSize;
        VocabularySize = tokenIds is null ? 0 : tokenIds.Max() + 1;
    }

    /// <summary>[N + 1]: the network id of key k (index k; index 0, the missing key, holds 0); null for frames.</summary>
    public int[]? TokenIds { get; }

    /// <summary>V, the ids the network embeds (kept keys + the unknown id 0); 0 for frames.</summary>
    public int VocabularySize { get; }

    /// <summary>N, the keys the feature column had at training; 0 for frames.</summary>
    public int KeyCount => TokenIds is null ? 0 : TokenIds.Length - 1;

    /// <summary>D for frames; 0 for tokens.</summary>
    public int FrameSize { get; }

    /// <summary>Whether the input is token ids.</summary>
    public bool IsTokens => TokenIds is not null;

    /// <summary>Frames of <paramref name="frameSize"/> features.</summary>
    public static SequenceInput Frames(int frameSize) => new(null, frameSize);

    /// <summary>Tokens mapped by <paramref name="tokenIds"/> (see <see cref="TokenIds"/>).</summary>
    public static SequenceInput Tokens(int[] tokenIds) => new(tokenIds, 0);

    /// <summary>
    /// What a (validated) feature column holds before training decides which keys to keep: key k reads as id k,
    /// or frames of the configured or declared size.
    /// </summary>
    public static SequenceInput For(DataViewSchema.Column column, int frameSize) =>
        column.Type is VectorDataViewType { ItemType: KeyDataViewType key }
            ? Tokens(Enumerable.Range(0, checked((int)key.Count + 1)).ToArray())
            : Frames(frameSize > 0 ? frameSize : FrameSequenceReader.FrameSizeOf(column.Type));

    /// <summary>The network id of a zero-based key as <c>KeySequenceReader</c> reads it (-1 for missing).</summary>
    public int IdOf(int zeroBasedKey)
    {
        int key = zeroBasedKey + 1;
        int[] ids = TokenIds!;
        return (uint)key < (uint)ids.Length ? ids[key] : 0;
    }
}
