using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;

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
    /// A loaded model's token map, checked: not empty, and every key's network id an embedding row (0..V-1), or the
    /// first prediction would fail, and no more keys than <see cref="RecurrentLimits.MaxKeyCount"/>. Raises
    /// <see cref="InvalidDataException"/> naming <paramref name="key"/>.
    /// </summary>
    public static SequenceInput LoadedTokens(int[] tokenIds, int vocabularySize, string component, string key)
    {
        if (tokenIds.Length == 0) Internals.ThrowHelper.BadModel(component, $"'{key}' is empty; it must map the missing key and every token key");
        ThrowHelper.IfLoadedAboveLimit(component, $"the token map '{key}' (one entry per key)", tokenIds.Length - 1, RecurrentLimits.MaxKeyCount, "RecurrentLimits.MaxKeyCount");
        for (int k = 0; k < tokenIds.Length; k++)
            if ((uint)tokenIds[k] >= (uint)vocabularySize)
                Internals.ThrowHelper.BadModel(component, $"'{key}'[{k}] was {tokenIds[k]}; network ids must be between 0 and {vocabularySize - 1}");
        return Tokens(tokenIds);
    }

    /// <summary>
    /// Throws unless <paramref name="steps"/> is at most <see cref="RecurrentLimits.MaxSteps"/>: a longer row is refused
    /// with an <see cref="InvalidOperationException"/> naming the column, the row and its length, before any per-step
    /// buffer is sized by it. Use the components' <c>MaxSequenceLength</c> option to cut long rows instead.
    /// </summary>
    public static void CheckSteps(string column, long row, long steps, string unit)
    {
        if (steps > RecurrentLimits.MaxSteps)
            ThrowHelper.RowValue(column, row, $"it holds {steps} {unit}; a row may hold at most {RecurrentLimits.MaxSteps} ({unit} per row are limited so memory stays bounded, RecurrentLimits.MaxSteps; cut longer rows first)");
    }

    /// <summary>
    /// What a (validated) feature column holds before training decides which keys to keep: key k reads as id k,
    /// or frames of the configured or declared size. A key column declaring more than <see cref="RecurrentLimits.MaxKeyCount"/>
    /// keys is rejected (<see cref="ArgumentOutOfRangeException"/> naming the column) before anything is allocated.
    /// </summary>
    /// <param name="component">The estimator's name, for the message.</param>
    /// <param name="column">The feature column.</param>
    /// <param name="frameSize">D from the options, or 0 to read it from the column's type.</param>
    public static SequenceInput For(string component, DataViewSchema.Column column, int frameSize)
    {
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
            return Frames(frameSize > 0 ? frameSize : FrameSequenceReader.FrameSizeOf(column.Type));
        if (key.Count > RecurrentLimits.MaxKeyCount)
            ThrowHelper.ColumnType(component, column.Name, ThrowHelper.Describe(column.Type),
                $"a vector of keys declaring at most {RecurrentLimits.MaxKeyCount} keys (RecurrentLimits.MaxKeyCount; hash to at most 24 bits); it declares {key.Count}");
        return Tokens(Enumerable.Range(0, (int)key.Count + 1).ToArray());
    }

    /// <summary>
    /// The kept keys of a token column (see <see cref="KeyVocabulary.KeepFrequent"/>): keys seen at least
    /// <paramref name="minTokenCount"/> times in <paramref name="rows"/> (one-based keys) get ids of their own. More
    /// than <see cref="RecurrentLimits.MaxVocabularySize"/> ids raise <see cref="InvalidOperationException"/> naming
    /// <paramref name="column"/>.
    /// </summary>
    public static SequenceInput KeepFrequent(string column, IEnumerable<int[]> rows, int keyCount, int minTokenCount)
    {
        try
        {
            return Tokens(KeyVocabulary.KeepFrequent(rows, keyCount, minTokenCount));
        }
        catch (InvalidOperationException e)
        {
            // The engine's only InvalidOperationException here is the vocabulary limit; say which column it is about.
            throw new InvalidOperationException($"Column '{column}': {e.Message}", e);
        }
    }

    /// <summary>The network id of a zero-based key as <c>KeySequenceReader</c> reads it (-1 for missing).</summary>
    public int IdOf(int zeroBasedKey)
    {
        int key = zeroBasedKey + 1;
        int[] ids = TokenIds!;
        return (uint)key < (uint)ids.Length ? ids[key] : 0;
    }
}
