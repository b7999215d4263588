using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, resource limits: a row may hold at most <see cref="RecurrentLimits.MaxSteps"/> steps (a clear error above it),
/// and a long row (100,000 tokens) trains and predicts in memory proportional to its length.
/// </summary>
public sealed class SequenceLengthLimitTests(ITestOutputHelper output)
{
    private const int KeyCount = 20;

    private sealed class Row
    {
        public uint[] Tokens { get; set; } = [];
        public uint Label { get; set; }
    }

    private sealed class Scores
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>Rows of keys 1..20 (a token column as MapValueToKey makes it) with a key label (3 classes declared; the rows use the first two).</summary>
    private static IDataView View(MLContext ml, IEnumerable<Row> rows) => ml.Data.LoadFromEnumerable(rows, Definition());

    private static SchemaDefinition Definition()
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Tokens)].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), KeyCount));
        definition[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), 3);
        return definition;
    }

    private static Row Long(int length, int seed, uint label)
    {
        var random = new Random(seed);
        return new Row { Tokens = [.. Enumerable.Range(0, length).Select(_ => (uint)random.Next(1, KeyCount + 1))], Label = label };
    }

    private static LstmSequenceClassifier.Options Tiny() => new()
    {
        FeatureColumnName = "Tokens", Cell = CellType.Gru, EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, BatchSize = 2,
        ValidationFraction = 0, MinTokenCount = 1, MaxSequenceLength = 0, Seed = 1,
    };

    /// <summary>Bytes allocated on this thread (training and prediction run on the caller's thread) per token.</summary>
    private static (double Train, double Predict) BytesPerToken(int length)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = View(ml, [Long(length, 1, 1), Long(length, 2, 2)]);
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(Tiny());
        long before = GC.GetAllocatedBytesForCurrentThread();
        SequenceClassificationTransformer model = estimator.Fit(data);
        long trained = GC.GetAllocatedBytesForCurrentThread() - before;
        // A PredictionEngine predicts on the caller's thread (a cursor over a transformed view may be split over
        // ML.NET's worker threads, whose allocations this thread's counter would miss).
        var engine = ml.Model.CreatePredictionEngine<Row, Scores>(model, inputSchemaDefinition: Definition());
        Row row = Long(length, 3, 1);
        before = GC.GetAllocatedBytesForCurrentThread();
        float[] score = engine.Predict(row).Score;
        long predicted = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.All(score, v => Assert.True(float.IsFinite(v)));
        return ((double)trained / (2.0 * length), (double)predicted / length);
    }

    [Fact]
    public void A_100000_token_row_trains_and_predicts_in_memory_proportional_to_its_length()
    {
        (double train, double predict) = BytesPerToken(100_000);
        (double shortTrain, double shortPredict) = BytesPerToken(10_000);
        output.WriteLine($"100,000-token rows: {train:F0} bytes allocated per token training (1 epoch), {predict:F0} per token predicting; " +
            $"10,000-token rows: {shortTrain:F0} and {shortPredict:F0}");
        Assert.True(train < 1024, $"training allocated {train:F0} bytes per token");
        Assert.True(predict < 512, $"prediction allocated {predict:F0} bytes per token");
        Assert.True(train < 1.5 * shortTrain + 64 && predict < 1.5 * shortPredict + 64, "memory per token grows with the row's length");
    }

    [Fact]
    public void A_row_longer_than_the_maximum_is_refused_naming_the_column_the_row_and_the_limit()
    {
        var ml = new MLContext(seed: 1);
        SequenceClassificationTransformer model = ml.Transforms.Recurrent.LstmSequenceClassifier(Tiny()).Fit(View(ml, [Long(20, 1, 1), Long(20, 2, 2)]));
        var engine = ml.Model.CreatePredictionEngine<Row, Scores>(model, inputSchemaDefinition: Definition());
        Assert.Equal(3, engine.Predict(Long(RecurrentLimits.MaxSteps, 3, 1)).Score.Length); // at the limit: fine (the engine's row 0)
        var e = Assert.Throws<InvalidOperationException>(() => engine.Predict(Long(RecurrentLimits.MaxSteps + 1, 4, 2)));
        Assert.Equal("Column 'Tokens', row 1: it holds 1048577 keys; a row may hold at most 1048576 (keys per row are limited so memory stays bounded, RecurrentLimits.MaxSteps; cut longer rows first).", e.Message);

        IDataView input = View(ml, [Long(5, 3, 1), Long(RecurrentLimits.MaxSteps + 1, 4, 2)]);
        Exception train = Assert.ThrowsAny<Exception>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(Tiny()).Fit(input));
        while (train.InnerException is { } inner) train = inner; // ML.NET may read the rows on a worker thread and wrap what it throws
        Assert.IsType<InvalidOperationException>(train);
        Assert.Contains("Column 'Tokens', row 1: it holds 1048577 keys; a row may hold at most 1048576", train.Message);
    }
}
