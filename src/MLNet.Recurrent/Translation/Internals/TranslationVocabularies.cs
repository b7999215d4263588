using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.Translation.Internals;

/// <summary>Builds a translation vocabulary from a column's training text, or reads a saved one and checks it against the network it feeds.</summary>
internal static class TranslationVocabularies
{
    /// <summary>
    /// <see cref="TranslationVocabulary.Build"/> on the tokens of <paramref name="column"/>; a vocabulary past
    /// <see cref="RecurrentLimits.MaxVocabularySize"/> raises <see cref="InvalidOperationException"/> naming the column.
    /// </summary>
    public static TokenVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount, string column, out int types)
    {
        try
        {
            return TranslationVocabulary.Build(sentences, minCount, out types);
        }
        catch (InvalidOperationException e)
        {
            // The engine's only InvalidOperationException here is the vocabulary limit; say which column it is about.
            throw new InvalidOperationException($"Column '{column}': {e.Message} (option 'MinTokenCount' was {minCount})", e);
        }
    }

    /// <summary>
    /// The vocabulary <paramref name="name"/>, which must have exactly <paramref name="size"/> tokens (one per embedding
    /// or output row) with the reserved tokens at their ids; otherwise <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static TokenVocabulary Load(ModelFile file, string name, int size, string component)
    {
        IReadOnlyList<string> tokens = file.GetVocabulary(name);
        ThrowHelper.IfLoadedAboveLimit(component, $"the \"{name}\" vocabulary", tokens.Count, RecurrentLimits.MaxVocabularySize, "RecurrentLimits.MaxVocabularySize");
        if (tokens.Count != size)
            ThrowHelper.BadModel(component, $"the \"{name}\" vocabulary has {tokens.Count} tokens; the network's has {size}");
        if (size <= TranslationVocabulary.EndId || tokens[TranslationVocabulary.PaddingId] != TranslationVocabulary.Padding
            || tokens[TranslationVocabulary.UnknownId] != TranslationVocabulary.Unknown || tokens[TranslationVocabulary.StartId] != TranslationVocabulary.Start
            || tokens[TranslationVocabulary.EndId] != TranslationVocabulary.End)
            ThrowHelper.BadModel(component, $"the \"{name}\" vocabulary must start with {TranslationVocabulary.Padding}, {TranslationVocabulary.Unknown}, {TranslationVocabulary.Start} and {TranslationVocabulary.End}");
        try
        {
            return new TokenVocabulary(tokens, TranslationVocabulary.UnknownId, TranslationVocabulary.PaddingId);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved {component} model cannot be read: the \"{name}\" vocabulary is invalid: {e.Message}", e);
        }
    }
}
