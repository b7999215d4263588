using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceClassification;

namespace MLNet.Recurrent.Tests.TestSupport;

/// <summary>
/// Token sequences with a class a small recurrent network learns in seconds: each sentence is 2..7 filler words
/// with one colour word somewhere in it, and the colour is the label ("red" -> "R", "green" -> "G", "blue" -> "B").
/// </summary>
internal static class SentenceData
{
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public string PredictedText { get; set; } = "";
    }

    private static readonly string[] s_colours = ["red", "green", "blue"];

    public static Row[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Row[count];
        for (int r = 0; r < count; r++)
        {
            int c = random.Next(3);
            var words = Enumerable.Range(0, 2 + random.Next(6)).Select(_ => $"w{random.Next(20)}").ToList();
            words.Insert(random.Next(words.Count + 1), s_colours[c]);
            rows[r] = new Row { Text = string.Join(' ', words), Label = "RGB"[c].ToString() };
        }
        return rows;
    }

    /// <summary>Tokenize, map tokens and label to keys: the pipeline's prefix, as users write it.</summary>
    public static IEstimator<ITransformer> Featurize(MLContext ml) =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"));

    /// <summary>A tiny, fast configuration that learns the colour task.</summary>
    public static LstmSequenceClassifier.Options SmallOptions(int epochs = 12) => new()
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Tokens",
        Cell = CellType.Lstm,
        EmbeddingSize = 8,
        HiddenSize = 12,
        Pooling = SequencePoolingMode.Mean,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.02,
        ValidationFraction = 0.2,
        Patience = 0,
        MinTokenCount = 1,
        Seed = 3,
    };

    /// <summary>Every row of a Single vector column.</summary>
    public static float[][] ReadVectors(IDataView view, string column) => FrameData.ReadColumn(view, column);

    /// <summary>Every row of a scalar column of type <typeparamref name="T"/>.</summary>
    public static T[] ReadScalars<T>(IDataView view, string column)
    {
        var col = view.Schema[column];
        var result = new List<T>();
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<T>(col);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return [.. result];
    }

    /// <summary>A column's key values as strings.</summary>
    public static string[] KeyValues(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    /// <summary>A vector column's slot names.</summary>
    public static string[] SlotNames(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetSlotNames(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}

/// <summary>Frame sequences with a Boolean label: true when feature 0 runs positive (mean +1) rather than negative (mean -1).</summary>
internal static class SignFrames
{
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    public const int D = 3;

    public static Row[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Row[count];
        for (int r = 0; r < count; r++)
        {
            bool label = random.Next(2) == 1;
            int frames = 1 + random.Next(6);
            var f = new float[frames * D];
            for (int t = 0; t < frames; t++)
                for (int j = 0; j < D; j++)
                    f[t * D + j] = (float)(random.NextDouble() * 2 - 1) + (j == 0 ? (label ? 1f : -1f) : 0f);
            rows[r] = new Row { Features = f, Label = label };
        }
        return rows;
    }

    public static IDataView ToDataView(MLContext ml, IEnumerable<Row> rows, VectorDataViewType? type = null)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = type ?? FrameData.FramesType(D);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    public static LstmSequenceClassifier.Options SmallOptions() => new()
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Features",
        Cell = CellType.Gru,
        HiddenSize = 8,
        Pooling = SequencePoolingMode.Mean,
        Epochs = 8,
        BatchSize = 16,
        LearningRate = 0.02,
        ValidationFraction = 0,
        Seed = 5,
    };
}
