// Part-of-speech tagging of the Brown corpus (Francis and Kucera; data/README.md) with the engine's per-step
// network: the configuration, split and vocabulary of shared/reference/torch_pos_tagger.py (embedding 100, one
// bidirectional LSTM layer of 128 per direction, linear layer to the 93 base tags; Adam 1e-3, clip 5, batch 32
// sentences, 5 epochs). Prints validation accuracy per epoch, test token accuracy, accuracy on <unk> and on
// never-seen words, the most-frequent-tag baseline on the same split, macro-F1, and training tokens per second.
//   dotnet run -c Release --project samples/PosTagging [-- --crf] [--epochs 5] [--threads 1] [--limit N] [--tagset full]
//     [--engine-init] (the engine's Glorot/orthogonal initialisation instead of PyTorch's) [--bucketed] (length-bucketed batches)
//     [--chars] (character-level word features: a bidirectional LSTM of 25 over each word's characters)
//     [--mlnet] (train and label through the ML.NET estimator, mlContext.Transforms.Recurrent.SequenceLabeler, instead)
//     [--no-validation] (no per-epoch validation, so the training clock covers training only) [--json FILE] (write the
//     training tokens, seconds and tokens/s there; benchmarks/compare/tasks.sh runs the sample this way)
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using PosTaggingSample;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var arguments = Arguments.Parse(args);
ComputeSettings.MaxThreads = arguments.Threads;
string path = arguments.Data ?? Path.Combine(AppContext.BaseDirectory, "data", "brown.conll");
var corpus = BrownCorpus.Read(path, arguments.FullTags, arguments.Limit);
var vocabulary = new WordVocabulary(corpus.Train, minCount: 2);
var tagIds = corpus.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
int Tokens(List<(string, string)[]> s) => s.Sum(x => x.Length);
Console.WriteLine($"{path}: sentences train {corpus.Train.Count:N0} val {corpus.Validation.Count:N0} test {corpus.Test.Count:N0}; " +
                  $"tokens train {Tokens(corpus.Train):N0} val {Tokens(corpus.Validation):N0} test {Tokens(corpus.Test):N0}");
int testUnk = corpus.Test.Sum(s => s.Count(p => vocabulary.IdOf(p.Word) == WordVocabulary.Unknown));
int testUnseen = corpus.Test.Sum(s => s.Count(p => !vocabulary.TrainCounts.ContainsKey(p.Word)));
Console.WriteLine($"tagset {(arguments.FullTags ? "full" : "base")}: {corpus.Tags.Length} tags; word types in train {vocabulary.TrainCounts.Count:N0}; " +
                  $"vocabulary {vocabulary.Count:N0}; test tokens <unk> {testUnk:N0}, never seen in train {testUnseen:N0}");

if (arguments.MlNet)
{
    if (arguments.Json is not null || arguments.NoValidation)
        throw new ArgumentException("'--json' and '--no-validation' time the engine's training loop; they do not combine with '--mlnet'.");
    MlNetRun.Run(corpus, vocabulary, arguments);
    return;
}

// Character ids for the optional character features: 0 = padding, 1 = a character not seen in train, then train's characters.
var charIds = new Dictionary<Rune, int>();
foreach (var sentence in corpus.Train)
    foreach (var (word, _) in sentence)
        foreach (Rune r in word.EnumerateRunes()) charIds.TryAdd(r, charIds.Count + 2);
int[] Spell(string word) => word.EnumerateRunes().Select(r => charIds.GetValueOrDefault(r, 1)).ToArray();
InMemorySequences Encode(List<(string Word, string Tag)[]> sentences)
{
    int[][] tokens = sentences.Select(s => s.Select(p => vocabulary.IdOf(p.Word)).ToArray()).ToArray();
    int[][] tags = sentences.Select(s => s.Select(p => tagIds[p.Tag]).ToArray()).ToArray();
    return arguments.Chars
        ? InMemorySequences.LabelledWithCharacters(tokens, sentences.Select(s => s.Select(p => Spell(p.Word)).ToArray()).ToArray(), tags)
        : InMemorySequences.Labelled(tokens, tags);
}
var train = Encode(corpus.Train);
var validation = Encode(corpus.Validation);

using var network = new SequenceNetwork(new SequenceNetworkOptions
{
    InputVocabularySize = vocabulary.Count, EmbeddingSize = 100, Cell = CellType.Lstm, HiddenSize = 128, Layers = 1,
    Bidirectional = true, PerStepOutput = true, OutputSize = corpus.Tags.Length,
    OutputLayer = arguments.Crf ? SequenceOutputLayer.Crf : SequenceOutputLayer.Softmax,
    CharacterVocabularySize = arguments.Chars ? charIds.Count + 2 : 0, CharacterEmbeddingSize = 25, CharacterHiddenSize = 25,
});
if (arguments.PyTorchInit) network.InitializeLikePyTorch(arguments.Seed);
else network.Initialize(arguments.Seed);
string modelName = $"BiLSTM{(arguments.Crf ? "-CRF" : "")}{(arguments.Chars ? " + char-LSTM" : "")}";
Console.WriteLine($"{modelName}: parameters {network.Parameters.Values.Length:N0}; threads {arguments.Threads}; " +
                  $"{(arguments.PyTorchInit ? "PyTorch's" : "the engine's")} initialisation; {(arguments.Bucketed ? "length-bucketed" : "shuffled")} batches");

var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
{
    Optimizer = OptimizerKind.Adam, LearningRate = 1e-3, ClipNorm = 5, BatchSize = 32, Epochs = arguments.Epochs,
    Patience = 0, Seed = arguments.Seed, ReportEvery = 1, BucketByLength = arguments.Bucketed,
    ValidationFraction = 0,
});
double lossSum = 0, evaluationSeconds = 0, lastStepSeconds = 0;
int lossCount = 0;
var progress = new Progress(p =>
{
    if (p.Validation is { } v)
    {
        evaluationSeconds += p.Elapsed.TotalSeconds - lastStepSeconds;
        double trainSeconds = p.Elapsed.TotalSeconds - evaluationSeconds;
        Console.WriteLine($"epoch {p.Epoch} mean batch loss {lossSum / Math.Max(1, lossCount):F4} val loss {v.Loss:F4} val acc {100 * v.Accuracy:F2}% " +
                          $"({trainSeconds:F0} s of training so far)");
        lossSum = 0;
        lossCount = 0;
    }
    else
    {
        lossSum += p.Loss;
        lossCount++;
        lastStepSeconds = p.Elapsed.TotalSeconds;
    }
});
// Without validation the loop's clock is the training loop alone (batching, forward, loss, backward, clipping, Adam),
// as the reference script times it; with it, the validation passes are taken off (each estimated from the last step report).
var fitClock = Stopwatch.StartNew();
var result = arguments.NoValidation ? trainer.Fit(train, progress) : trainer.Fit(train, validation, progress);
double trainingSeconds = arguments.NoValidation ? fitClock.Elapsed.TotalSeconds : result.History[^1].Elapsed.TotalSeconds - evaluationSeconds;
long trainedTokens = (long)Tokens(corpus.Train) * result.Epochs;
Console.WriteLine(arguments.NoValidation
    ? $"no validation (--no-validation): the weights after epoch {result.Epochs}"
    : $"kept the weights of the best validation loss ({result.BestValidation?.Loss:F4}, acc {100 * result.BestValidation?.Accuracy:F2}%)");

// Test: label every sentence, count all tokens, <unk> tokens and never-seen tokens.
var clock = Stopwatch.StartNew();
var evaluator = new SequenceLabelingEvaluator(corpus.Tags.Length, corpus.Tags, spans: false);
int[] hit = new int[3], count = new int[3], baselineHit = new int[3];
var baseline = new MostFrequentTag(corpus.Train);
using var batch = new SequenceBatch();
var order = Enumerable.Range(0, corpus.Test.Count).OrderBy(i => corpus.Test[i].Length).ToArray();
int[] labels = [];
for (int start = 0; start < order.Length; start += 256)
{
    int n = Math.Min(256, order.Length - start), steps = corpus.Test[order[start + n - 1]].Length;
    batch.Reset(n, steps, 0, perStepTargets: true);
    for (int b = 0; b < n; b++)
    {
        var sentence = corpus.Test[order[start + b]];
        batch.SetTokens(b, sentence.Select(p => vocabulary.IdOf(p.Word)).ToArray());
        if (arguments.Chars) batch.SetTokenCharacters(b, sentence.SelectMany(p => Spell(p.Word)).ToArray(), sentence.Select(p => Spell(p.Word).Length).ToArray());
    }
    if (labels.Length < n * steps) labels = new int[n * steps];
    network.Label(batch, labels);
    for (int b = 0; b < n; b++)
    {
        var sentence = corpus.Test[order[start + b]];
        var gold = sentence.Select(p => tagIds[p.Tag]).ToArray();
        var predicted = Enumerable.Range(0, sentence.Length).Select(t => labels[t * n + b]).ToArray();
        evaluator.Add(gold, predicted);
        for (int t = 0; t < sentence.Length; t++)
        {
            string word = sentence[t].Word;
            bool unk = vocabulary.IdOf(word) == WordVocabulary.Unknown, unseen = !vocabulary.TrainCounts.ContainsKey(word);
            bool right = gold[t] == predicted[t], baselineRight = baseline.TagOf(word) == sentence[t].Tag;
            foreach (int k in (int[])[0, unk ? 1 : -1, unseen ? 2 : -1])
            {
                if (k < 0) continue;
                count[k]++;
                if (right) hit[k]++;
                if (baselineRight) baselineHit[k]++;
            }
        }
    }
}
var metrics = evaluator.Compute();
string Pct(int[] h, int k) => count[k] > 0 ? $"{100.0 * h[k] / count[k]:F2}%" : "n/a";
Console.WriteLine($"\ntest ({count[0]:N0} tokens, labelled in {clock.Elapsed.TotalSeconds:F1} s):");
Console.WriteLine($"| | {modelName} | most-frequent tag (default '{baseline.Default}') |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| token accuracy | {Pct(hit, 0)} | {Pct(baselineHit, 0)} |");
Console.WriteLine($"| <unk> tokens (n = {count[1]:N0}) | {Pct(hit, 1)} | {Pct(baselineHit, 1)} |");
Console.WriteLine($"| never-seen tokens (n = {count[2]:N0}) | {Pct(hit, 2)} | {Pct(baselineHit, 2)} |");
Console.WriteLine($"macro-F1 over tags {100 * metrics.MacroF1:F2}% (evaluator token accuracy {100 * metrics.TokenAccuracy:F2}%)");
Console.WriteLine($"training: {result.Epochs} epochs, {trainedTokens:N0} tokens in {trainingSeconds:F0} s = {trainedTokens / trainingSeconds:N0} tok/s (threads {arguments.Threads})");
if (arguments.Json is { } json)
    File.WriteAllText(json, JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["engine"] = "ours", ["task"] = "pos",
        ["version"] = "MLNet.Recurrent " + typeof(SequenceNetwork).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        ["epochs"] = result.Epochs, ["limit"] = arguments.Limit,
        ["threads"] = arguments.Threads, ["train_sentences"] = corpus.Train.Count, ["vocabulary"] = vocabulary.Count, ["tags"] = corpus.Tags.Length,
        ["train_tokens"] = trainedTokens, ["train_seconds"] = trainingSeconds, ["train_tok_s"] = trainedTokens / trainingSeconds,
        ["test_accuracy"] = (double)hit[0] / count[0],
    }));

internal sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
