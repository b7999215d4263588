using System.Text;
using Microsoft.ML;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceLabeling.Internals;

/// <summary>
/// The character ids of every token key, for character-level word features. The words' text comes from the feature
/// column's <c>KeyValues</c> at training and is fixed then (saved with the model, like the key-to-id map). Character
/// ids: 0 is padding, 1 a character no training word had, then the characters (Unicode scalar values, case kept) of
/// the words that occur in the training rows, in order of first appearance by key. The missing key (a word the key
/// map never saw), keys beyond those of training and an empty key value are spelled as one unknown character.
/// </summary>
internal sealed class WordSpellings
{
    private const string CountsKey = "labeler.spellingCounts";
    private const string CharactersKey = "labeler.spellingCharacters";
    private const string VocabularyKey = "labeler.characterVocabularySize";

    private static readonly int[] s_unknown = [1];
    private readonly int[][] _spellings; // [N + 1]: index k holds key k's character ids; index 0 (missing) is [1]

    private WordSpellings(int[][] spellings, int vocabularySize)
    {
        _spellings = spellings;
        VocabularySize = vocabularySize;
    }

    /// <summary>V_c, the character ids the network embeds (padding, unknown and the training characters).</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Reads the words of <paramref name="column"/>'s key values and numbers the characters of the words used in
    /// <paramref name="trainingKeys"/> (rows of one-based keys, 0 for missing).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column has no key values, or not one per key.</exception>
    public static WordSpellings Build(DataViewSchema.Column column, int keyCount, IEnumerable<int[]> trainingKeys)
    {
        string[]? words = Annotations.ReadKeyValuesAsText(column);
        if (words is null || words.Length != keyCount)
            ThrowHelper.ColumnType(SequenceLabeler.ComponentName, column.Name,
                words is null ? "keys without KeyValues" : $"keys with {words.Length} KeyValues for {keyCount} keys",
                $"'{nameof(SequenceLabeler.Options.CharacterFeatures)}' reads each word's spelling from the token column's KeyValues (the words' text): " +
                "build the column with MapValueToKey on the words (TokenizeIntoWords output), or set CharacterFeatures = false");
        var used = new bool[keyCount + 1];
        foreach (int[] row in trainingKeys)
            foreach (int key in row) used[key] = true;
        var ids = new Dictionary<Rune, int>();
        for (int key = 1; key <= keyCount; key++)
        {
            if (!used[key]) continue;
            foreach (Rune r in words![key - 1].EnumerateRunes())
            {
                if (ids.ContainsKey(r)) continue;
                // Padding, unknown and the characters: refuse before the vocabulary grows past the limit.
                if (ids.Count + 2 >= RecurrentLimits.MaxVocabularySize)
                    throw new InvalidOperationException($"Column '{column.Name}': the training words (its KeyValues) hold more than {ids.Count} distinct characters; " +
                        $"with '{nameof(SequenceLabeler.Options.CharacterFeatures)}' {SequenceLabeler.ComponentName} embeds at most {RecurrentLimits.MaxVocabularySize} character ids, " +
                        "padding and unknown included (RecurrentLimits.MaxVocabularySize); set CharacterFeatures = false.");
                ids.Add(r, ids.Count + 2);
            }
        }
        var spellings = new int[keyCount + 1][];
        spellings[0] = s_unknown;
        for (int key = 1; key <= keyCount; key++)
        {
            int[] spelled = words![key - 1].EnumerateRunes().Select(r => ids.GetValueOrDefault(r, 1)).ToArray();
            spellings[key] = spelled.Length == 0 ? s_unknown : spelled;
        }
        return new WordSpellings(spellings, ids.Count + 2);
    }

    /// <summary>The character ids of a one-based key (0 = missing; keys beyond those of training are unknown).</summary>
    public int[] Of(int key) => (uint)key < (uint)_spellings.Length ? _spellings[key] : s_unknown;

    /// <summary>Every token's spelling of rows of one-based keys, for <see cref="InMemorySequences.LabelledWithCharacters"/>.</summary>
    public int[][][] Spell(IReadOnlyList<int[]> keyRows) => keyRows.Select(row => row.Select(Of).ToArray()).ToArray();

    /// <summary>Writes the spellings of row <paramref name="row"/>'s tokens (zero-based keys, -1 missing) into the batch.</summary>
    public void Fill(SequenceBatch batch, int row, ReadOnlySpan<int> zeroBasedKeys, List<int> characters, List<int> counts)
    {
        characters.Clear();
        counts.Clear();
        foreach (int key in zeroBasedKeys)
        {
            int[] spelled = Of(key + 1);
            characters.AddRange(spelled);
            counts.Add(spelled.Length);
        }
        batch.SetTokenCharacters(row, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(characters),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(counts));
    }

    /// <summary>Stores the spellings in the model file's configuration.</summary>
    public void WriteTo(ModelFile file)
    {
        file.Configuration.Set(VocabularyKey, VocabularySize);
        file.Configuration.Set(CountsKey, _spellings.Select(s => s.Length).ToArray());
        file.Configuration.Set(CharactersKey, _spellings.SelectMany(s => s).ToArray());
    }

    /// <summary>The spellings stored by <see cref="WriteTo"/>, or null when the file has none (a model without character features).</summary>
    public static WordSpellings? ReadFrom(ModelFile file, string component)
    {
        if (!file.Configuration.Contains(CountsKey)) return null;
        int vocabulary = file.Configuration.GetInt32(VocabularyKey);
        ThrowHelper.IfLoadedAboveLimit(component, $"the character vocabulary '{VocabularyKey}'", vocabulary, RecurrentLimits.MaxVocabularySize, "RecurrentLimits.MaxVocabularySize");
        int[] counts = file.Configuration.GetInt32Array(CountsKey), characters = file.Configuration.GetInt32Array(CharactersKey);
        ThrowHelper.IfLoadedAboveLimit(component, $"'{CountsKey}' (one spelling per key)", counts.Length - 1L, RecurrentLimits.MaxKeyCount, "RecurrentLimits.MaxKeyCount");
        var spellings = new int[counts.Length][];
        int at = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            if (counts[k] <= 0 || at + counts[k] > characters.Length)
                ThrowHelper.BadModel(component, $"the spelling of key {k} has {counts[k]} characters at {at} of {characters.Length}");
            spellings[k] = characters.AsSpan(at, counts[k]).ToArray();
            at += counts[k];
        }
        if (at != characters.Length || characters.Any(c => c <= 0 || c >= vocabulary))
            ThrowHelper.BadModel(component, $"the spellings hold character ids outside [1, {vocabulary}) or {characters.Length - at} ids too many");
        return new WordSpellings(spellings, vocabulary);
    }
}
