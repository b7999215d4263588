using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.Translation.Internals;

/// <summary>Reads a saved translation vocabulary and checks it against the network it feeds.</summary>
internal static class TranslationVocabularies
{
    /// <summary>
    /// The vocabulary <paramref name="name"/>, which must have exactly <paramref name="size"/> tokens (one per embedding
    /// or output row) with the reserved tokens at their ids; otherwise <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static TokenVocabulary Load(ModelFile file, string name, int size, string component)
    {
        IReadOnlyList<string> tokens = file.GetVocabulary(name);
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
