using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Models;

/// <summary>The shape and training of a <see cref="CharLanguageModel"/>. Defaults are the reference char-rnn setup.</summary>
public sealed class CharLanguageModelOptions
{
    /// <summary>E: the character embedding size.</summary>
    public int EmbeddingSize { get; init; } = 64;

    /// <summary>H: hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>L: stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>The recurrent cell.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>Dropout between layers and before the output, in [0, 1).</summary>
    public float Dropout { get; init; }

    /// <summary>Keeps only the most frequent characters (the unknown symbol included); null keeps all.</summary>
    public int? MaxVocabularySize { get; init; }

    /// <summary>Truncated-BPTT training: tracks, chunk length, steps, optimizer, validation.</summary>
    public StreamTrainerOptions Training { get; init; } = new();

    /// <summary>Checks every option, naming the first wrong one and its value.</summary>
    public void Validate()
    {
        ThrowHelper.ThrowIfNotPositive(EmbeddingSize, nameof(EmbeddingSize));
        ThrowHelper.ThrowIfNotPositive(HiddenSize, nameof(HiddenSize));
        ThrowHelper.ThrowIfNotPositive(Layers, nameof(Layers));
        if (!(Dropout >= 0f && Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Dropout), Dropout, "it must be in [0, 1)");
        if (MaxVocabularySize is < 2) ThrowHelper.OutOfRange(nameof(MaxVocabularySize), MaxVocabularySize, "it must be at least 2 (the unknown symbol and one character)");
        if (MaxVocabularySize is int m) ThrowHelper.ThrowIfAboveLimit(m, RecurrentLimits.MaxVocabularySize, nameof(MaxVocabularySize), "RecurrentLimits.MaxVocabularySize");
        ArgumentNullException.ThrowIfNull(Training, nameof(Training));
        Training.Validate();
    }
}
