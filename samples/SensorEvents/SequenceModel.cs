using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceLabeling;

namespace SensorEventsSample;

/// <summary>The SequenceLabeler on windows of readings: tags "event" (key 1) and "normal" (key 2).</summary>
internal static class SequenceModel
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private static Row[] Rows(MoteSeries mote, IEnumerable<(int Start, int Length)> windows) => windows.Select(w => new Row
    {
        Features = mote.Features.AsSpan(w.Start * MoteSeries.FrameSize, w.Length * MoteSeries.FrameSize).ToArray(),
        Tags = mote.Event.AsSpan(w.Start, w.Length).ToArray().Select(e => e ? "event" : "normal").ToArray(),
    }).ToArray();

    public static ITransformer Fit(MLContext ml, MoteSeries train, int window, int stride, float eventWeight, bool bidirectional, int seed)
    {
        IDataView data = ml.Data.LoadFromEnumerable(Rows(train, train.Windows(window, stride)));
        return ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Tags), keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.Recurrent.SequenceLabeler(new SequenceLabeler.Options
            {
                FeatureColumnName = nameof(Row.Features), FrameSize = MoteSeries.FrameSize, Cell = CellType.Lstm, HiddenSize = 32,
                Bidirectional = bidirectional, ClassWeights = [eventWeight, 1f], Epochs = 30, BatchSize = 8, LearningRate = 3e-3,
                ValidationFraction = 0, Seed = seed,
            }))
            .Fit(data);
    }

    /// <summary>Labels the whole mote as one sequence and scores the event class (key 1) with EvaluateLabels.</summary>
    public static Prf Evaluate(MLContext ml, ITransformer model, MoteSeries test)
    {
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(test, [(0, test.Length)])));
        var metrics = ml.Transforms.Recurrent.EvaluateLabels(scored);
        var e = metrics.PerClass[0];
        return new Prf(e.Precision, e.Recall, e.F1);
    }

    /// <summary>The predicted label keys of the whole mote.</summary>
    public static uint[] Label(MLContext ml, ITransformer model, MoteSeries mote)
    {
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(mote, [(0, mote.Length)])));
        return scored.GetColumn<VBuffer<uint>>("PredictedLabels").Single().DenseValues().ToArray();
    }
}
