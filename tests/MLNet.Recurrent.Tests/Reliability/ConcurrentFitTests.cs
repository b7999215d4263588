using Microsoft.ML;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, concurrency: two <c>Fit</c> calls at once, on different MLContexts with different <c>Threads</c>, give the
/// models each gives alone, and each fit's kernels see its own thread limit the whole time (the limit is an
/// <see cref="AsyncLocal{T}"/> scope of the fit, not a process-wide value swapped in and out).
/// </summary>
public sealed class ConcurrentFitTests
{
    private sealed class Callback(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    /// <summary>Fits the classifier with <paramref name="threads"/>; returns its engine model file and the thread limits seen at each report.</summary>
    private static (byte[] Model, int[] Limits) FitClassifier(int threads, Barrier? start = null)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(80, seed: 7));
        var limits = new List<int>();
        var options = SentenceData.SmallOptions(epochs: 4);
        options.Threads = threads;
        options.Progress = new Callback(_ => limits.Add(ComputeSettings.MaxThreads));
        var estimator = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options));
        start?.SignalAndWait();
        ITransformer model = estimator.Fit(train);
        return (CraftedModels.EngineFile(CraftedModels.Save(ml, model, train.Schema)), [.. limits]);
    }

    [Fact]
    public void Two_classifier_fits_at_once_with_one_and_two_threads_give_the_models_they_give_alone()
    {
        (byte[] aloneOne, _) = FitClassifier(1);
        (byte[] aloneTwo, _) = FitClassifier(2);
        Assert.Equal(aloneOne, aloneTwo); // the thread count never changes the numbers

        using var start = new Barrier(2);
        (byte[] Model, int[] Limits) one = ([], []), two = ([], []);
        var a = new Thread(() => one = FitClassifier(1, start));
        var b = new Thread(() => two = FitClassifier(2, start));
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.Equal(aloneOne, one.Model);
        Assert.Equal(aloneOne, two.Model);
        Assert.NotEmpty(one.Limits);
        Assert.All(one.Limits, limit => Assert.Equal(1, limit));
        Assert.All(two.Limits, limit => Assert.Equal(2, limit));
    }

    private sealed class Frames
    {
        [Microsoft.ML.Data.VectorType(0, 2)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    /// <summary>An echo state classifier with a reservoir large enough that its ridge readout folds rows in parallel.</summary>
    private static float[] FitEchoState(int threads, Barrier? start = null)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(2);
        Frames[] rows = [.. Enumerable.Range(0, 40).Select(i => new Frames
        {
            Label = (uint)(i % 2),
            Features = [.. Enumerable.Range(0, 40).Select(t => (float)(Math.Sin((i % 2 == 0 ? 0.2 : 0.9) * t) + 0.2 * random.NextDouble()))],
        })];
        var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Frames));
        definition[nameof(Frames.Label)].ColumnType = new Microsoft.ML.Data.KeyDataViewType(typeof(uint), 2);
        IDataView data = ml.Data.LoadFromEnumerable(rows.Select(r => new Frames { Features = r.Features, Label = r.Label + 1 }), definition);
        var estimator = ml.Transforms.Recurrent.EchoStateSequenceClassifier(new EchoStateSequenceClassifier.Options { ReservoirSize = 300, Seed = 3, Threads = threads });
        start?.SignalAndWait();
        return [.. SentenceData.ReadVectors(estimator.Fit(data).Transform(data), "Score").SelectMany(v => v)];
    }

    [Fact]
    public void Two_echo_state_fits_at_once_with_one_and_two_threads_give_the_scores_they_give_alone()
    {
        float[] alone = FitEchoState(1);
        Assert.Equal(alone, FitEchoState(2));
        using var start = new Barrier(2);
        float[] one = [], two = [];
        var a = new Thread(() => one = FitEchoState(1, start));
        var b = new Thread(() => two = FitEchoState(2, start));
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.Equal(alone, one);
        Assert.Equal(alone, two);
    }
}
