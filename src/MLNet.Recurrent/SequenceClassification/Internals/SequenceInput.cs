using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceClassification;

/// <summary>
/// What a classifier reads: token ids (an ML.NET key k of 1..N becomes id k; the missing key and keys beyond N
/// become id 0, the unknown row of the embedding, so the network sees V = N + 1 ids) or frames of D features.
/// </summary>
/// <param name="VocabularySize">V = N + 1 for tokens; 0 for frames.</param>
/// <param name="FrameSize">D for frames; 0 for tokens.</param>
internal readonly record struct SequenceInput(int VocabularySize, int FrameSize)
{
    /// <summary>Whether the input is token ids.</summary>
    public bool IsTokens => VocabularySize > 0;

    /// <summary>The input a (validated) feature column gives: its key count + 1, or its frame size.</summary>
    public static SequenceInput For(DataViewSchema.Column column, int frameSize) =>
        column.Type is VectorDataViewType { ItemType: KeyDataViewType key }
            ? new SequenceInput(checked((int)key.Count + 1), 0)
            : new SequenceInput(0, frameSize > 0 ? frameSize : FrameSequenceReader.FrameSizeOf(column.Type));

    /// <summary>How the input reads in messages.</summary>
    public string Description => IsTokens ? $"tokens ({VocabularySize - 1} keys + unknown)" : $"frames of {FrameSize} features";
}
