using System.Text;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class CharLanguageModel
{
    private const string Kind = "CharLanguageModel";

    /// <summary>Writes the model (vocabulary, separator, network) in the versioned binary model format.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var file = new ModelFile();
        file.Configuration.Set("kind", Kind);
        file.Configuration.Set("charlm.separator", Separator);
        file.Configuration.Set("charlm.unknownId", Vocabulary.UnknownId);
        file.AddVocabulary("chars", Vocabulary.Symbols.Select(r => r.ToString()));
        lock (_gate) Network.WriteTo(file);
        file.Write(stream);
    }

    /// <summary>Reads a model written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a character language model, or is damaged.</exception>
    public static CharLanguageModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var file = ModelFile.Read(stream);
        string kind = file.Configuration.Contains("kind") ? file.Configuration.GetString("kind") : "(none)";
        if (kind != Kind) throw new InvalidDataException($"The model's kind was \"{kind}\"; expected \"{Kind}\".");
        try
        {
            IReadOnlyList<string> chars = file.GetVocabulary("chars");
            if (chars.Count > RecurrentLimits.MaxVocabularySize)
                throw new InvalidDataException($"The character vocabulary holds {chars.Count} symbols; a vocabulary may hold at most {RecurrentLimits.MaxVocabularySize} (RecurrentLimits.MaxVocabularySize).");
            var symbols = new List<Rune>(chars.Count);
            foreach (string s in chars)
            {
                if (!Rune.TryGetRuneAt(s, 0, out var rune) || rune.Utf16SequenceLength != s.Length)
                    throw new InvalidDataException($"A vocabulary entry was \"{s}\"; each entry must be exactly one Unicode character.");
                symbols.Add(rune);
            }
            var vocabulary = new CharVocabulary(symbols, file.Configuration.GetInt32("charlm.unknownId"));
            return new CharLanguageModel(vocabulary, SequenceNetwork.ReadFrom(file), file.Configuration.GetString("charlm.separator"));
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            // A missing entry, a value of the wrong kind or out of range: the file is damaged, whatever the map or the
            // vocabulary's constructor call it.
            throw new InvalidDataException($"The model file does not describe a character language model: {e.Message}", e);
        }
    }
}
