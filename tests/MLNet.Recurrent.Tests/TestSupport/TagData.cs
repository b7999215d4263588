using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.Tests.TestSupport;

/// <summary>
/// Tagged-sentence data for the labeler tests: determiners, nouns and verbs, and the word "fish", a noun after a
/// determiner and a verb after a noun, so the right tag needs the context.
/// </summary>
internal static class TagData
{
    public sealed class Row
    {
        public string[] Words { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    public sealed class Prediction
    {
        public uint[] PredictedLabels { get; set; } = [];
        public float[] Scores { get; set; } = [];
        public string[] PredictedTags { get; set; } = [];
    }

    private static readonly string[] Determiners = ["the", "a", "every"], Nouns = ["cat", "dog", "bird", "man"], Verbs = ["runs", "sleeps", "eats"];

    /// <summary>Sentences of 1 to 3 clauses "DET NOUN VERB", where the noun or the verb is sometimes "fish".</summary>
    public static Row[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Row[count];
        for (int r = 0; r < count; r++)
        {
            var words = new List<string>();
            var tags = new List<string>();
            int clauses = 1 + random.Next(3);
            for (int c = 0; c < clauses; c++)
            {
                words.Add(Determiners[random.Next(Determiners.Length)]);
                tags.Add("DET");
                words.Add(random.Next(4) == 0 ? "fish" : Nouns[random.Next(Nouns.Length)]);
                tags.Add("NOUN");
                words.Add(random.Next(4) == 0 ? "fish" : Verbs[random.Next(Verbs.Length)]);
                tags.Add("VERB");
            }
            rows[r] = new Row { Words = [.. words], Tags = [.. tags] };
        }
        return rows;
    }

    /// <summary>Words and tags to keys: "Tokens" and "Label".</summary>
    public static IEstimator<ITransformer> Featurize(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Tokens", nameof(Row.Words))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Tags)));

    /// <summary>Every row of a key-vector column, as the keys' raw values.</summary>
    public static uint[][] ReadKeys(IDataView view, string column)
    {
        var col = view.Schema[column];
        var result = new List<uint[]>();
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<uint>>(col);
        VBuffer<uint> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            result.Add(buffer.DenseValues().ToArray());
        }
        return [.. result];
    }
}
