using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// README "Serving in .NET", run as written there: one fitted model shared by every request thread, each thread
/// predicting with its own PredictionEngine (which is not thread-safe), borrowed from an ObjectPool (what
/// Microsoft.Extensions.ML's PredictionEnginePool does) or kept per thread in a ThreadLocal. Either gives exactly
/// the predictions of one engine used alone.
/// </summary>
public sealed class SharedModelServingTests
{
    private static readonly Lazy<(MLContext Ml, ITransformer Model)> s_model = new(() =>
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = SentenceData.Featurize(ml)
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 4)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"))
            .Fit(ml.Data.LoadFromEnumerable(SentenceData.Make(120, seed: 11)));
        return (ml, model);
    });

    /// <summary>The pool's policy: how to make an engine for the shared model; every engine may go back for reuse.</summary>
    private sealed class PredictionEnginePolicy<TIn, TOut>(MLContext ml, ITransformer model) : PooledObjectPolicy<PredictionEngine<TIn, TOut>>
        where TIn : class
        where TOut : class, new()
    {
        public int Created;

        public override PredictionEngine<TIn, TOut> Create()
        {
            Interlocked.Increment(ref Created);
            return ml.Model.CreatePredictionEngine<TIn, TOut>(model);
        }

        public override bool Return(PredictionEngine<TIn, TOut> engine) => true;
    }

    [Fact]
    public void requests_on_four_threads_borrowing_engines_from_an_object_pool_get_one_engines_predictions()
    {
        var (ml, model) = s_model.Value;
        SentenceData.Row[] requests = SentenceData.Make(200, seed: 31);
        float[][] expected = Sequential(ml, model, requests);

        var policy = new PredictionEnginePolicy<SentenceData.Row, SentenceData.Prediction>(ml, model);
        ObjectPool<PredictionEngine<SentenceData.Row, SentenceData.Prediction>> pool =
            new DefaultObjectPoolProvider { MaximumRetained = 4 }.Create(policy);
        var results = new float[requests.Length][];
        Parallel.For(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            PredictionEngine<SentenceData.Row, SentenceData.Prediction> engine = pool.Get();
            try
            {
                results[i] = engine.Predict(requests[i]).Score;
            }
            finally
            {
                pool.Return(engine);
            }
        });

        for (int i = 0; i < requests.Length; i++) Assert.Equal(expected[i], results[i]);
        Assert.InRange(policy.Created, 1, 4); // at most one engine per request running at once
    }

    [Fact]
    public void requests_on_four_threads_with_one_engine_per_thread_get_one_engines_predictions()
    {
        var (ml, model) = s_model.Value;
        SentenceData.Row[] requests = SentenceData.Make(200, seed: 32);
        float[][] expected = Sequential(ml, model, requests);

        using var engines = new ThreadLocal<PredictionEngine<SentenceData.Row, SentenceData.Prediction>>(
            () => ml.Model.CreatePredictionEngine<SentenceData.Row, SentenceData.Prediction>(model), trackAllValues: true);
        var results = new float[requests.Length][];
        Parallel.For(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            results[i] = engines.Value!.Predict(requests[i]).Score);
        foreach (var engine in engines.Values) engine.Dispose();

        for (int i = 0; i < requests.Length; i++) Assert.Equal(expected[i], results[i]);
    }

    private static float[][] Sequential(MLContext ml, ITransformer model, SentenceData.Row[] requests)
    {
        using var engine = ml.Model.CreatePredictionEngine<SentenceData.Row, SentenceData.Prediction>(model);
        return requests.Select(r => engine.Predict(r).Score).ToArray();
    }
}
