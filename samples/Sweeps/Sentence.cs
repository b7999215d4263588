namespace SweepsSample;

/// <summary>One labelled sentence of the UCI data: its source site, its label ("positive"/"negative") and its text.</summary>
public sealed class Sentence
{
    /// <summary>amazon, imdb or yelp.</summary>
    public string Source { get; set; } = "";

    /// <summary>"positive" or "negative".</summary>
    public string Label { get; set; } = "";

    /// <summary>The sentence.</summary>
    public string Text { get; set; } = "";

    /// <summary>Reads <c>source&lt;TAB&gt;label&lt;TAB&gt;text</c> lines after a header; label 1 is positive.</summary>
    public static Sentence[] ReadTsv(string path) => File.ReadLines(path).Skip(1)
        .Where(line => line.Length > 0)
        .Select(line => line.Split('\t', 3))
        .Select(f => new Sentence { Source = f[0], Label = f[1] == "1" ? "positive" : "negative", Text = f[2] })
        .ToArray();

    /// <summary>
    /// Holds out <paramref name="fraction"/> of every (source, label) group by a seeded shuffle: the split of
    /// samples/SentimentClassification, so the test set here is the same 600 sentences.
    /// </summary>
    public static (Sentence[] Kept, Sentence[] HeldOut) StratifiedSplit(Sentence[] rows, double fraction, int seed)
    {
        var random = new Random(seed);
        var kept = new List<Sentence>();
        var heldOut = new List<Sentence>();
        foreach (var group in rows.GroupBy(r => (r.Source, r.Label)).OrderBy(g => g.Key.Source).ThenBy(g => g.Key.Label))
        {
            Sentence[] members = group.ToArray();
            random.Shuffle(members);
            int count = (int)Math.Round(members.Length * fraction);
            heldOut.AddRange(members[..count]);
            kept.AddRange(members[count..]);
        }
        Sentence[] keptArray = kept.ToArray();
        random.Shuffle(keptArray);
        return (keptArray, heldOut.ToArray());
    }
}
