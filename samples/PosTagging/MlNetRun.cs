using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.SequenceLabeling;

namespace PosTaggingSample;

/// <summary>
/// The same split through the ML.NET estimator (<c>--mlnet</c>): <c>MapValueToKey</c> on the words of every split (so
/// words never seen in training keep their text, which the character features spell), the labeler trained on the
/// training sentences only (keys seen fewer than 2 times there share the unknown embedding, as the engine run's
/// vocabulary), then test accuracy overall, on unknown-embedding words and on never-seen words.
/// </summary>
internal static class MlNetRun
{
    private sealed class Sentence
    {
        public string[] Words { get; set; } = [];
        public string[] Tags { get; set; } = [];
    }

    private sealed class Tagged
    {
        public string[] PredictedTags { get; set; } = [];
    }

    public static void Run(BrownCorpus corpus, WordVocabulary vocabulary, Arguments arguments)
    {
        var ml = new MLContext(seed: arguments.Seed);
        Sentence[] Rows(List<(string Word, string Tag)[]> s) => [.. s.Select(x => new Sentence { Words = [.. x.Select(p => p.Word)], Tags = [.. x.Select(p => p.Tag)] })];
        Sentence[] train = Rows(corpus.Train), test = Rows(corpus.Test);
        ITransformer keys = ml.Transforms.Conversion.MapValueToKey("Tokens", nameof(Sentence.Words))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Sentence.Tags)))
            .Fit(ml.Data.LoadFromEnumerable(train.Concat(Rows(corpus.Validation)).Concat(test)));
        var options = new SequenceLabeler.Options
        {
            LabelColumnName = "Label", FeatureColumnName = "Tokens", Cell = CellType.Lstm, EmbeddingSize = 100, HiddenSize = 128, Layers = 1,
            Bidirectional = true, OutputLayer = arguments.Crf ? SequenceOutputLayer.Crf : SequenceOutputLayer.Softmax,
            CharacterFeatures = arguments.Chars, CharacterEmbeddingSize = 25, CharacterHiddenSize = 25,
            Epochs = arguments.Epochs, BatchSize = 32, Optimizer = OptimizerKind.Adam, LearningRate = 1e-3, ClipNorm = 5,
            ValidationFraction = 0, Patience = 0, MinTokenCount = 2, Seed = arguments.Seed, Threads = arguments.Threads,
        };
        string name = $"ML.NET SequenceLabeler BiLSTM{(arguments.Crf ? "-CRF" : "")}{(arguments.Chars ? " + CharacterFeatures" : "")}";
        Console.WriteLine($"{name}: the engine's initialisation, length-bucketed batches, every training sentence (no validation hold-out), {arguments.Epochs} epochs");
        var clock = Stopwatch.StartNew();
        SequenceLabelingTransformer labeler = ml.Transforms.Recurrent.SequenceLabeler(options).Fit(keys.Transform(ml.Data.LoadFromEnumerable(train)));
        double seconds = clock.Elapsed.TotalSeconds;
        long tokens = (long)corpus.Train.Sum(s => s.Length) * arguments.Epochs;

        IDataView scored = keys.Append(labeler).Transform(ml.Data.LoadFromEnumerable(test));
        scored = ml.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabels").Fit(scored).Transform(scored);
        Tagged[] predicted = [.. ml.Data.CreateEnumerable<Tagged>(scored, reuseRowObject: false)];
        int[] hit = new int[3], count = new int[3];
        for (int r = 0; r < test.Length; r++)
            for (int t = 0; t < test[r].Words.Length; t++)
            {
                string word = test[r].Words[t];
                bool unk = vocabulary.IdOf(word) == WordVocabulary.Unknown, unseen = !vocabulary.TrainCounts.ContainsKey(word);
                bool right = predicted[r].PredictedTags[t] == test[r].Tags[t];
                foreach (int k in (int[])[0, unk ? 1 : -1, unseen ? 2 : -1])
                {
                    if (k < 0) continue;
                    count[k]++;
                    if (right) hit[k]++;
                }
            }
        string Pct(int k) => count[k] > 0 ? $"{100.0 * hit[k] / count[k]:F2}%" : "n/a";
        Console.WriteLine($"\ntest ({count[0]:N0} tokens), {name}:");
        Console.WriteLine($"| token accuracy | {Pct(0)} |");
        Console.WriteLine($"| <unk> tokens (n = {count[1]:N0}) | {Pct(1)} |");
        Console.WriteLine($"| never-seen tokens (n = {count[2]:N0}) | {Pct(2)} |");
        Console.WriteLine($"training: {arguments.Epochs} epochs, {tokens:N0} tokens in {seconds:F0} s (with reading the rows) = {tokens / seconds:N0} tok/s (threads {arguments.Threads})");
    }
}
