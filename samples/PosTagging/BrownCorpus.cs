namespace PosTaggingSample;

/// <summary>
/// The Brown corpus as shared/reference/torch_pos_tagger.py reads it: sentences in file order, split by index
/// (i % 10 == 9 test, 8 validation, else train), base tags by the script's four rules, words with their case.
/// </summary>
internal sealed class BrownCorpus
{
    public required List<(string Word, string Tag)[]> Train { get; init; }
    public required List<(string Word, string Tag)[]> Validation { get; init; }
    public required List<(string Word, string Tag)[]> Test { get; init; }

    /// <summary>Every tag of the whole file, ordinal order (the output layer's classes).</summary>
    public required string[] Tags { get; init; }

    public static BrownCorpus Read(string path, bool fullTags, int limit)
    {
        var sentences = new List<(string, string)[]>();
        var current = new List<(string, string)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                if (current.Count > 0) sentences.Add([.. current]);
                current.Clear();
                if (limit > 0 && sentences.Count >= limit) break;
                continue;
            }
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new InvalidDataException($"{path}, line {lineNumber}: \"{line}\" has no tab; expected token<TAB>tag.");
            string tag = line[(tab + 1)..];
            current.Add((line[..tab], fullTags ? tag : BaseTag(tag)));
        }
        if (current.Count > 0 && !(limit > 0 && sentences.Count >= limit)) sentences.Add([.. current]);
        var corpus = new BrownCorpus
        {
            Train = [], Validation = [], Test = [],
            Tags = sentences.SelectMany(s => s.Select(p => p.Item2)).Distinct().Order(StringComparer.Ordinal).ToArray(),
        };
        for (int i = 0; i < sentences.Count; i++)
            (i % 10 == 9 ? corpus.Test : i % 10 == 8 ? corpus.Validation : corpus.Train).Add(sentences[i]);
        return corpus;
    }

    /// <summary>The reference's base tag: "--..." -> "--"; drop from the first '-'; keep the first part of a '+' compound; delete '*' unless the tag is "*".</summary>
    public static string BaseTag(string tag)
    {
        if (tag.StartsWith("--", StringComparison.Ordinal)) return "--";
        tag = tag.Split('-')[0].Split('+')[0];
        return tag == "*" ? tag : tag.Replace("*", "", StringComparison.Ordinal);
    }
}
