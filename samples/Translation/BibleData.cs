using System.Text;
using MLNet.Recurrent.Core.Text;

namespace TranslationSample;

/// <summary>
/// The reference script's data: pairs whose English and Spanish sides are each at most --max-chars code points,
/// numbered k in file order, k % 20 == 19 test, k % 20 == 18 validation, the rest train; lower-cased
/// <c>\w+|[^\w\s]</c> tokens; vocabularies of training tokens seen at least --min-count times.
/// </summary>
internal sealed class BibleData
{
    public required List<(string En, string Es)> Train, Validation, Test;
    public required TokenVocabulary Source, Target;
    public required int FileRows, SourceTypes, TargetTypes;
    public TextTokenizer Tokenizer { get; } = new();

    public static BibleData Load(string path, int maxChars, int minCount, int limit)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var kept = new List<(string, string)>();
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split('\t');
            if (f.Length != 3) throw new InvalidDataException($"{path} line {i + 1}: {f.Length} fields; expected ref<TAB>en<TAB>es");
            if (CodePoints(f[1]) <= maxChars && CodePoints(f[2]) <= maxChars) kept.Add((f[1], f[2]));
        }
        if (limit > 0 && kept.Count > limit) kept = kept[..limit];
        List<(string, string)> train = [], validation = [], test = [];
        for (int k = 0; k < kept.Count; k++) (k % 20 == 19 ? test : k % 20 == 18 ? validation : train).Add(kept[k]);
        var tokenizer = new TextTokenizer();
        var source = TranslationVocabulary.Build(train.Select(p => (IReadOnlyList<string>)tokenizer.Tokenize(p.Item1)), minCount, out int sourceTypes);
        var target = TranslationVocabulary.Build(train.Select(p => (IReadOnlyList<string>)tokenizer.Tokenize(p.Item2)), minCount, out int targetTypes);
        return new BibleData
        {
            Train = train, Validation = validation, Test = test, Source = source, Target = target,
            FileRows = lines.Length - 1, SourceTypes = sourceTypes, TargetTypes = targetTypes,
        };
    }

    private static int CodePoints(string s) => s.EnumerateRunes().Count();

    public int[] EncodeSource(string en) => Source.Encode(Tokenizer.Tokenize(en));

    public int[] EncodeTarget(string es) => Target.Encode(Tokenizer.Tokenize(es));

    /// <summary>The reference's hypothesis string: tokens joined by spaces, the unknown token written UNK.</summary>
    public string Detokenize(IEnumerable<int> ids) =>
        string.Join(" ", ids.Select(i => i == TranslationVocabulary.UnknownId ? "UNK" : Target[i]));

    /// <summary>The reference string: the Spanish side lower-cased and tokenized, joined by spaces.</summary>
    public string Reference(string es) => string.Join(" ", Tokenizer.Tokenize(es));
}
