using Microsoft.ML;
using Microsoft.ML.Data;

namespace SensorEventsSample;

/// <summary>
/// The per-reading baseline: ML.NET's FastTree (boosted trees) on each reading alone, from its standardised humidity
/// and temperature, or with its differences and those of the two readings before (lagged differences).
/// </summary>
internal static class Baseline
{
    private sealed class Reading
    {
        [VectorType]
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public float Weight { get; set; }
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
    }

    private static Reading[] Readings(MoteSeries mote, bool lags, float eventWeight)
    {
        int d = MoteSeries.FrameSize;
        float[] x = mote.Features;
        return Enumerable.Range(0, mote.Length).Select(i =>
        {
            float[] f = lags
                ? [x[i * d], x[i * d + 1], x[i * d + 2], x[i * d + 3], Lag(i - 1, 2), Lag(i - 1, 3), Lag(i - 2, 2), Lag(i - 2, 3)]
                : [x[i * d], x[i * d + 1]];
            return new Reading { Features = f, Label = mote.Event[i], Weight = mote.Event[i] ? eventWeight : 1f };
        }).ToArray();

        float Lag(int i, int feature) => i >= 0 ? x[i * d + feature] : 0f;
    }

    public static Prf Run(MLContext ml, MoteSeries train, MoteSeries test, bool lags, float eventWeight, int seed)
    {
        int width = lags ? 8 : 2;
        var definition = SchemaDefinition.Create(typeof(Reading));
        definition[nameof(Reading.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var model = ml.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options
        {
            FeatureColumnName = nameof(Reading.Features), LabelColumnName = nameof(Reading.Label),
            ExampleWeightColumnName = nameof(Reading.Weight), Seed = seed,
        }).Fit(ml.Data.LoadFromEnumerable(Readings(train, lags, eventWeight), definition));
        Reading[] rows = Readings(test, lags, eventWeight);
        bool[] predicted = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows, definition)), reuseRowObject: false)
            .Select(p => p.PredictedLabel).ToArray();
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            if (predicted[i] && rows[i].Label) tp++;
            else if (predicted[i]) fp++;
            else if (rows[i].Label) fn++;
        }
        return Prf.Of(tp, fp, fn);
    }
}
