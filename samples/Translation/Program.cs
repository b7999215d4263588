// English -> Spanish with an attention encoder-decoder, the configuration of shared/reference/torch_seq2seq.py:
// same data, split, filter, tokens, vocabularies, model, optimizer, batch, epochs and decoders. Prints the data
// summary, per-epoch losses and validation BLEU, test BLEU/chrF greedy and beam, examples, training speed and the
// latency of one 20-word sentence, and writes an attention heat map. See README.md, "Translation and conditioned
// generation". Options: --epochs N --seed N --threads N --beam N --label-smoothing E --dropout P
// --sampling linear:K|exponential:K|sigmoid:K --best --limit N --out DIR --data FILE; --shuffled (batches are
// consecutive runs of one random permutation per epoch, as the reference draws them, instead of length buckets);
// --no-validation (no per-epoch validation, so the training clock covers training only) and --json FILE (training
// tokens, seconds, tokens/s and the greedy latency written there), which benchmarks/compare/tasks.sh uses.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Interpretability;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using TranslationSample;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var opt = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Get(string key, string fallback) => opt.TryGetValue(key, out var v) ? v : fallback;
int epochs = int.Parse(Get("epochs", "15")), seed = int.Parse(Get("seed", "0")), beamWidth = int.Parse(Get("beam", "5"));
int limit = int.Parse(Get("limit", "0"));
ComputeSettings.MaxThreads = int.Parse(Get("threads", "1"));
string outDir = Get("out", "translation-output");
Directory.CreateDirectory(outDir);
string dataPath = Get("data", Path.Combine(AppContext.BaseDirectory, "data", "pairs.tsv"));

var data = BibleData.Load(dataPath, maxChars: 80, minCount: 2, limit);
Seq2SeqPairs Pairs(List<(string En, string Es)> split) =>
    new([.. split.Select(p => data.EncodeSource(p.En))], [.. split.Select(p => data.EncodeTarget(p.Es))], TranslationVocabulary.StartId, TranslationVocabulary.EndId);
var train = Pairs(data.Train);
var validation = Pairs(data.Validation);
var test = Pairs(data.Test);
Console.WriteLine($"pairs: file {data.FileRows:N0}, kept (en and es <= 80 chars) {data.Train.Count + data.Validation.Count + data.Test.Count:N0}: " +
    $"train {data.Train.Count:N0} val {data.Validation.Count:N0} test {data.Test.Count:N0}");
foreach (var (name, pairs) in new[] { ("train", train), ("val", validation), ("test", test) })
{
    long src = 0, tgt = 0, srcUnk = 0, tgtUnk = 0;
    for (int i = 0; i < pairs.Count; i++)
    {
        src += pairs.Source(i).Length;
        tgt += pairs.Target(i).Length;
        srcUnk += pairs.Source(i).Count(id => id == TranslationVocabulary.UnknownId);
        tgtUnk += pairs.Target(i).Count(id => id == TranslationVocabulary.UnknownId);
    }
    Console.WriteLine($"  {name}: source tokens {src:N0}, target tokens {tgt:N0} (+ </s> each), source <unk> {srcUnk:N0}, target <unk> {tgtUnk:N0}");
}
Console.WriteLine($"vocabulary: English {data.Source.Count:N0} (4 specials + {data.Source.Count - 4:N0} of {data.SourceTypes:N0} training types seen >= 2x), " +
    $"Spanish {data.Target.Count:N0} (4 + {data.Target.Count - 4:N0} of {data.TargetTypes:N0})");

var network = new EncoderDecoder(new EncoderDecoderOptions
{
    SourceVocabularySize = data.Source.Count, TargetVocabularySize = data.Target.Count, EmbeddingSize = 128, HiddenSize = 256,
    Dropout = float.Parse(Get("dropout", "0")), LabelSmoothing = float.Parse(Get("label-smoothing", "0")),
});
network.Initialize(seed);
Console.WriteLine($"parameters {network.Parameters.Count:N0}");
var sampling = Get("sampling", "");
var schedule = sampling.Length == 0 ? TeacherForcingSchedule.Always : sampling.Split(':') switch
{
    ["linear", var k] => new TeacherForcingSchedule(TeacherForcingDecay.Linear, 1, double.Parse(k), 0.5),
    ["exponential", var k] => new TeacherForcingSchedule(TeacherForcingDecay.Exponential, 1, double.Parse(k), 0.5),
    ["sigmoid", var k] => new TeacherForcingSchedule(TeacherForcingDecay.InverseSigmoid, 1, double.Parse(k), 0.5),
    _ => throw new ArgumentException($"'--sampling' was '{sampling}'; expected linear:K, exponential:K or sigmoid:K"),
};
var trainer = new Seq2SeqTrainer(network, new Seq2SeqTrainerOptions
{
    Epochs = epochs, LearningRate = 1e-3, ClipNorm = 5, BatchSize = 64, Patience = 0, Seed = seed, ReportEvery = 1_000_000,
    TeacherForcing = schedule, BucketByLength = !opt.ContainsKey("shuffled"),
    // The reference evaluates the model after its last epoch; --best keeps the best validation epoch instead.
    RestoreBestWeights = opt.ContainsKey("best"),
});

string[] Translate(Seq2SeqPairs pairs, List<float[][]>? attention = null)
{
    var outputs = new List<string>();
    for (int i = 0; i < pairs.Count; i += 128)
    {
        var sources = Enumerable.Range(i, Math.Min(128, pairs.Count - i)).Select(pairs.Source).ToArray();
        outputs.AddRange(network.Greedy(sources, TranslationVocabulary.StartId, TranslationVocabulary.EndId, attention).Select(data.Detokenize));
    }
    return [.. outputs];
}
TranslationMetrics Score(string[] hyps, List<(string En, string Es)> split) =>
    TranslationMetrics.Compute(hyps, [split.Select(p => (string?)data.Reference(p.Es)).ToArray()]);

var clock = Stopwatch.StartNew();
TimeSpan lastElapsed = TimeSpan.Zero, evalTime = TimeSpan.Zero;
long tokensBefore = 0;
var progress = new SynchronousProgress(p =>
{
    if (p.Validation is null) return;
    var watch = Stopwatch.StartNew();
    double bleu = Score(Translate(validation), data.Validation).Bleu.Score;
    evalTime += watch.Elapsed;
    double trainLoss = network.TakeTrainingLoss();
    long tokens = (long)Math.Round(p.TokensPerSecond * p.Elapsed.TotalSeconds);
    double seconds = (p.Elapsed - lastElapsed).TotalSeconds;
    Console.WriteLine($"epoch {p.Epoch} train_loss {trainLoss:F4} val_loss {p.Validation.Loss:F4} val_ppl {Math.Exp(p.Validation.Loss):F2} " +
        $"val_greedy_BLEU {bleu:F2} ({(tokens - tokensBefore) / seconds:N0} target tok/s, {seconds:F0} s; ETA {p.Remaining:hh\\:mm\\:ss})");
    lastElapsed = p.Elapsed;
    tokensBefore = tokens;
});
// Without validation the clock covers the training loop alone (batching, forward, loss, backward, clipping, Adam), as the
// reference script times it; with it, the greedy BLEU above is taken off but the loop's validation loss is not.
bool noValidation = opt.ContainsKey("no-validation");
var result = trainer.Fit(train, noValidation ? null : validation, progress);
double trainSeconds = clock.Elapsed.TotalSeconds - evalTime.TotalSeconds;
Console.WriteLine($"training: {result.Epochs} epochs, {result.Steps} steps; {train.TargetTokens * result.Epochs:N0} target tokens in {trainSeconds:F0} s of training " +
    $"= {train.TargetTokens * result.Epochs / trainSeconds:N0} target tok/s (threads {ComputeSettings.MaxThreads}" +
    (noValidation ? ")" : $"; the loop's own figure, validation included: {result.History[^1].TokensPerSecond:N0})"));

var watch = Stopwatch.StartNew();
var attention = new List<float[][]>();
var greedy = Translate(test, attention);
double greedySeconds = watch.Elapsed.TotalSeconds;
watch.Restart();
var beam = Enumerable.Range(0, test.Count).Select(i =>
    data.Detokenize(network.Beam(test.Source(i), TranslationVocabulary.StartId, TranslationVocabulary.EndId, beamWidth, earlyStopping: true)[0].Tokens)).ToArray();
double beamSeconds = watch.Elapsed.TotalSeconds;
foreach (var (name, hyps, seconds) in new[] { ("greedy", greedy, greedySeconds), ($"beam{beamWidth}", beam, beamSeconds) })
{
    var m = Score(hyps, data.Test);
    var b = m.Bleu;
    Console.WriteLine($"test {name}: BLEU {b.Score:F2} ({string.Join("/", b.Precisions.Select(q => q.ToString("F1")))}, BP {b.BrevityPenalty:F3}, " +
        $"hyp_len {b.SystemLength} ref_len {b.ReferenceLength}) chrF2 {m.ChrF:F2} exact {m.ExactMatch:F2}% ({test.Count} sentences, {seconds:F1} s)");
}
for (int i = 0; i < Math.Min(5, test.Count); i++)
    Console.WriteLine($"example {i}: en   {data.Test[i].En}\n           ref  {data.Reference(data.Test[i].Es)}\n           greedy {greedy[i]}\n           beam   {beam[i]}");

// The heat map of the first test sentence's greedy translation (the end step included).
var srcTokens = data.Tokenizer.Tokenize(data.Test[0].En);
var outTokens = greedy[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("</s>").Take(attention[0].Length).ToArray();
string mapPath = Path.Combine(outDir, "attention.html");
using (var writer = new StreamWriter(mapPath))
    AttentionHeatMap.Write(writer, srcTokens, outTokens, attention[0], $"Attention: {data.Test[0].En}");
Console.WriteLine($"attention heat map: {mapPath}");

// Greedy latency of one 20-word sentence (median of 21 runs, after one warm-up).
string sentence = "And God said to Noah, Make thee an ark of gopher wood, and rooms shalt thou make in the ark today.";
int[] ids = data.EncodeSource(sentence);
var times = new List<double>();
int outputTokens = 0;
for (int r = 0; r < 22; r++)
{
    watch.Restart();
    var output = network.Greedy([ids], TranslationVocabulary.StartId, TranslationVocabulary.EndId);
    if (r > 0) times.Add(watch.Elapsed.TotalMilliseconds);
    outputTokens = output[0].Length;
    if (r == 0) Console.WriteLine($"latency sentence ({ids.Length} source tokens, {sentence.Split(' ').Length} words): {sentence}\n  -> {data.Detokenize(output[0])}");
}
times.Sort();
Console.WriteLine($"greedy latency: median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms (threads {ComputeSettings.MaxThreads})");
if (opt.TryGetValue("json", out var json))
    File.WriteAllText(json, JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["engine"] = "ours", ["task"] = "translation",
        ["version"] = "MLNet.Recurrent " + typeof(EncoderDecoder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        ["epochs"] = result.Epochs, ["limit"] = limit, ["threads"] = ComputeSettings.MaxThreads, ["train_pairs"] = train.Count,
        ["source_vocabulary"] = data.Source.Count, ["target_vocabulary"] = data.Target.Count,
        ["train_tokens"] = train.TargetTokens * result.Epochs, ["train_seconds"] = trainSeconds,
        ["train_tok_s"] = train.TargetTokens * result.Epochs / trainSeconds, ["latency_source_tokens"] = ids.Length,
        ["greedy_latency_ms"] = times[times.Count / 2], ["greedy_latency_min_ms"] = times[0], ["latency_output_tokens"] = outputTokens,
        ["test_greedy_bleu"] = Score(greedy, data.Test).Bleu.Score,
    }));
File.WriteAllLines(Path.Combine(outDir, "test.greedy"), greedy);
File.WriteAllLines(Path.Combine(outDir, "test.beam"), beam);
return 0;

/// <summary>An IProgress that reports on the training thread, in order.</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
