using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.EchoState;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.SequenceLabeling;
using MLNet.Recurrent.Tests.SequenceLabeling;
using MLNet.Recurrent.Tests.TestSupport;
using MLNet.Recurrent.Translation;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, concurrency: for each component (a tiny model trained on a few synthetic rows), 8 threads each with its own
/// <c>PredictionEngine</c> and 8 threads sharing one transformer's <c>Transform</c> (each cursoring the output) make
/// <see cref="Total"/> predictions between them, all running at once; every
/// output is bit-identical to the single-threaded one.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    /// <summary>Predictions per component: half by the engines, half by the cursors.</summary>
    private const int Total = 100_000;

    private const int Threads = 8;

    /// <summary>
    /// Runs the 16 threads. <paramref name="stream"/>: the component carries state from row to row (the forecaster),
    /// so an engine predicts the rows in order from a fresh engine each pass; otherwise each engine thread starts at a
    /// different row, so no prediction can lean on the previous one.
    /// </summary>
    private void PredictionsAreIdenticalOnEveryThread<TIn, TOut>(ITransformer model, TIn[] rows, Func<TOut, string> engineOutput,
        string column, bool stream = false, int total = Total)
        where TIn : class
        where TOut : class, new()
    {
        var ml = new MLContext(seed: 1);
        IDataView input = ml.Data.LoadFromEnumerable(rows);
        var single = ml.Model.CreatePredictionEngine<TIn, TOut>(model);
        string[] expected = rows.Select(r => engineOutput(single.Predict(r))).ToArray();
        Assert.True(expected.Distinct().Count() > 1, "every row gave the same output: the test could not see a mix-up");
        Assert.Equal(expected, ReadColumn(model.Transform(input), column)); // the cursor path matches the engine path

        int perThread = total / 2 / Threads, passes = Math.Max(1, perThread / rows.Length);
        var failures = new ConcurrentQueue<string>();
        long predictions = 0;
        using var start = new Barrier(2 * Threads);
        var threads = new List<Thread>();
        for (int t = 0; t < Threads; t++)
        {
            int offset = t * 7;
            threads.Add(new Thread(() =>
            {
                var own = new MLContext(seed: 2);
                PredictionEngine<TIn, TOut> engine = own.Model.CreatePredictionEngine<TIn, TOut>(model);
                start.SignalAndWait();
                for (int i = 0; i < perThread; i++)
                {
                    int r = stream ? i % rows.Length : (i + offset) % rows.Length;
                    if (stream && r == 0 && i > 0) engine = own.Model.CreatePredictionEngine<TIn, TOut>(model); // a new series
                    string got = engineOutput(engine.Predict(rows[r]));
                    if (got != expected[r]) failures.Enqueue($"engine, row {r}: {got} instead of {expected[r]}");
                }
                Interlocked.Add(ref predictions, perThread);
            }));
            threads.Add(new Thread(() =>
            {
                start.SignalAndWait();
                for (int p = 0; p < passes; p++)
                {
                    string[] got = ReadColumn(model.Transform(input), column);
                    for (int r = 0; r < rows.Length; r++)
                        if (got[r] != expected[r]) failures.Enqueue($"cursor, row {r}: {got[r]} instead of {expected[r]}");
                    Interlocked.Add(ref predictions, got.Length);
                }
            }));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        output.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:F1} s (not asserted)");
        Assert.Empty(failures.Take(5));
        output.WriteLine($"{typeof(TIn).Name} -> {column}: {predictions:N0} predictions on {2 * Threads} threads, all identical to the single-threaded ones");
        Assert.Equal((long)Threads * perThread + (long)Threads * passes * rows.Length, predictions);
    }

    /// <summary>A column's values as text that is equal only for bit-identical values (floats by their bits).</summary>
    private static string[] ReadColumn(IDataView view, string name)
    {
        DataViewSchema.Column column = view.Schema[name];
        var result = new List<string>();
        using DataViewRowCursor cursor = view.GetRowCursor([column]);
        Func<string> read = column.Type switch
        {
            NumberDataViewType t when t == NumberDataViewType.Single => Getter<float>(cursor, column, v => Bits([v])),
            VectorDataViewType { ItemType: NumberDataViewType s } when s == NumberDataViewType.Single =>
                Getter<VBuffer<float>>(cursor, column, v => Bits(v.DenseValues().ToArray())),
            VectorDataViewType { ItemType: KeyDataViewType } => Getter<VBuffer<uint>>(cursor, column, v => string.Join(",", v.DenseValues())),
            KeyDataViewType => Getter<uint>(cursor, column, v => v.ToString()),
            TextDataViewType => Getter<ReadOnlyMemory<char>>(cursor, column, v => v.ToString()),
            _ => throw new NotSupportedException(column.Type.ToString()),
        };
        while (cursor.MoveNext()) result.Add(read());
        return [.. result];
    }

    private static Func<string> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, string> format)
    {
        ValueGetter<T> getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return format(value);
        };
    }

    private static string Bits(float[] values) => string.Join(",", values.Select(BitConverter.SingleToInt32Bits));

    // ---- the components ----

    [Fact]
    public void Sequence_classifier_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(60, seed: 11));
        ITransformer model = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 2))).Fit(train);
        PredictionsAreIdenticalOnEveryThread<SentenceData.Row, ClassScores>(model, SentenceData.Make(50, seed: 12), p => Bits(p.Score), "Score");
    }

    public sealed class ClassScores
    {
        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void Sequence_labeller_predictions_are_identical_on_sixteen_threads()
    {
        // 100,000 like the others, kept cheap: a labeller prediction is a score vector per token, so the model is the
        // smallest that still tells rows apart (embeddings of 4, 4 hidden units) and the rows the shortest TagData
        // makes (one clause, three tokens).
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(TagData.Make(40, seed: 1));
        SequenceLabeler.Options options = SequenceLabelerTests.SmallOptions();
        options.EmbeddingSize = 4;
        options.HiddenSize = 4;
        options.Epochs = 2;
        ITransformer model = TagData.Featurize(ml).Append(ml.Transforms.Recurrent.SequenceLabeler(options)).Fit(train);
        TagData.Row[] rows = [.. TagData.Make(200, seed: 2).Where(r => r.Words.Length == 3).Take(50)];
        Assert.Equal(50, rows.Length);
        PredictionsAreIdenticalOnEveryThread<TagData.Row, TagScores>(model, rows, p => Bits(p.Scores), "Scores");
    }

    public sealed class TagScores
    {
        public float[] Scores { get; set; } = [];
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class Likelihood
    {
        public float LogLikelihood { get; set; }
    }

    [Fact]
    public void Character_model_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 50).Select(i => new TextRow { Text = $"the cat {i % 9} sat on mat {i % 7}." }).ToArray();
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", new CharLanguageModelTrainer.Options
        {
            HiddenSize = 8, Layers = 1, EmbeddingSize = 4, Steps = 4, BatchSize = 2, SequenceLength = 8, EvaluateEvery = 4, Seed = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        PredictionsAreIdenticalOnEveryThread<TextRow, Likelihood>(model, rows, p => Bits([p.LogLikelihood]), "LogLikelihood");
    }

    public sealed class Pair
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
    }

    public sealed class Translated
    {
        public string Translation { get; set; } = "";
    }

    [Fact]
    public void Translator_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        string[] words = ["red", "blue", "cat", "dog", "sun"];
        var random = new Random(5);
        var rows = Enumerable.Range(0, 50).Select(_ =>
        {
            string[] w = [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(words.Length)])];
            return new Pair { Source = string.Join(' ', w), Target = string.Join(' ', w.Reverse()).ToUpperInvariant() };
        }).ToArray();
        var model = ml.Transforms.Recurrent.Seq2SeqTranslator(new Seq2SeqTranslator.Options
        {
            SourceColumnName = "Source", TargetColumnName = "Target", OutputColumnName = "Translation",
            EmbeddingSize = 4, HiddenSize = 8, MinTokenCount = 1, BatchSize = 16, Epochs = 3, LearningRate = 1e-2, ValidationFraction = 0, Seed = 3,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        PredictionsAreIdenticalOnEveryThread<Pair, Translated>(model, rows, p => p.Translation, "Translation");
    }

    public sealed class Example
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public string Text { get; set; } = "";
    }

    public sealed class GeneratedText
    {
        public string Generated { get; set; } = "";
    }

    [Fact]
    public void Conditioned_generator_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        string[] sentences = ["a fine day .", "the cat sat down", "no , never again !"];
        var random = new Random(6);
        var rows = Enumerable.Range(0, 48).Select(i => new Example
        {
            Features = [.. Enumerable.Range(0, 3).Select(j => j == i % 3 ? 1f : (float)random.NextDouble())], Text = sentences[i % 3],
        }).ToArray();
        var model = ml.Transforms.Recurrent.ConditionedTextGenerator(new ConditionedTextGenerator.Options
        {
            EmbeddingSize = 4, HiddenSize = 8, Epochs = 3, LearningRate = 1e-2, BatchSize = 16, MinTokenCount = 1, ValidationFraction = 0, Seed = 2,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        PredictionsAreIdenticalOnEveryThread<Example, GeneratedText>(model, rows, p => p.Generated, "Generated");
    }

    public sealed class Step
    {
        public float Value { get; set; }
    }

    public sealed class Forecasts
    {
        public float[] Forecast { get; set; } = [];
    }

    [Fact]
    public void Echo_state_forecaster_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        Step[] rows = [.. MackeyGlass.Generate(250).Select(v => new Step { Value = (float)v })];
        var model = ml.Transforms.Recurrent.EchoStateForecaster(new EchoStateForecaster.Options
        {
            Horizon = 3, ReservoirSize = 20, SpectralRadius = 0.9, LeakRate = 0.3, Ridge = 1e-5, Washout = 20, Seed = 4,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        PredictionsAreIdenticalOnEveryThread<Step, Forecasts>(model, rows, p => Bits(p.Forecast), "Forecast", stream: true);
    }

    public sealed class Frames
    {
        [VectorType(0, 1)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    [Fact]
    public void Echo_state_classifier_predictions_are_identical_on_sixteen_threads()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        double[] frequencies = [0.15, 0.45, 1.2];
        Frames[] rows = [.. Enumerable.Range(0, 50).Select(i => new Frames
        {
            Label = $"c{i % 3}",
            Features = [.. Enumerable.Range(0, 10 + random.Next(10)).Select(t => (float)Math.Sin(frequencies[i % 3] * t + random.NextDouble()))],
        })];
        var model = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.Recurrent.EchoStateSequenceClassifier(new EchoStateSequenceClassifier.Options { LabelColumnName = "LabelKey", ReservoirSize = 20, Seed = 3 }))
            .Fit(ml.Data.LoadFromEnumerable(rows));
        PredictionsAreIdenticalOnEveryThread<Frames, ClassScores>(model, rows, p => Bits(p.Score), "Score");
    }
}
