using System.Globalization;
using MLNet.Recurrent.Core.Evaluation.Internals;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// Accumulates gold and predicted labels of sequences, real steps only, and computes token accuracy, per-class
/// precision/recall/F1, macro-F1, the confusion matrix and, for BIO (IOB2) tag names, span-level figures by the
/// CoNLL rule (<see cref="SpanMetrics"/>). Add sequences one at a time (<see cref="Add"/>) or as a time-major batch
/// with lengths (<see cref="AddBatch"/>), then call <see cref="Compute"/>; adding more afterwards is allowed.
/// </summary>
public sealed class SequenceLabelingEvaluator
{
    private readonly long[] _confusion;
    private readonly string[] _names;
    private readonly ConllChunks? _chunks;
    private long _steps, _sequences;

    /// <summary>Creates an empty evaluator.</summary>
    /// <param name="classCount">K, the number of classes; labels are ids in [0, K).</param>
    /// <param name="classNames">Optional K names (e.g. the label's key values "B-PER", "I-PER", "O"); needed for span scoring.</param>
    /// <param name="spans">
    /// Span scoring: <see langword="null"/> (default) scores spans when every name is "O" or starts with "B-" or "I-" and
    /// at least one does; <see langword="true"/> requires such names; <see langword="false"/> skips span scoring.
    /// </param>
    public SequenceLabelingEvaluator(int classCount, IReadOnlyList<string>? classNames = null, bool? spans = null)
    {
        ThrowHelper.ThrowIfNotPositive(classCount, nameof(classCount));
        if (classNames is not null && classNames.Count != classCount)
            ThrowHelper.Argument(nameof(classNames), $"{classNames.Count} names", $"it must hold one name per class ({classCount}, classCount)");
        ClassCount = classCount;
        _confusion = new long[classCount * classCount];
        _names = classNames?.Select((n, i) => n ?? throw new ArgumentException($"'classNames[{i}]' was null; every class needs a name.", nameof(classNames))).ToArray()
            ?? Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (spans == false) return;
        string? notBio = classNames is null ? "no class names" : _names.FirstOrDefault(n => n != "O" && !n.StartsWith("B-", StringComparison.Ordinal) && !n.StartsWith("I-", StringComparison.Ordinal));
        bool bio = classNames is not null && notBio is null && _names.Any(n => n != "O");
        if (spans == true && !bio)
            ThrowHelper.Argument(nameof(classNames), notBio ?? "only \"O\"", "span scoring needs BIO tag names: \"O\" or \"B-type\" / \"I-type\"");
        if (bio) _chunks = new ConllChunks(_names);
    }

    /// <summary>K, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Whether span-level figures are computed.</summary>
    public bool ScoresSpans => _chunks is not null;

    /// <summary>Adds one sequence: its gold and predicted labels on real steps only.</summary>
    /// <param name="gold">Gold class ids [L], each in [0, K).</param>
    /// <param name="predicted">Predicted class ids [L], each in [0, K).</param>
    public void Add(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted)
    {
        if (predicted.Length != gold.Length)
            ThrowHelper.Argument(nameof(predicted), $"length {predicted.Length}", $"it must hold as many labels as 'gold' ({gold.Length})");
        CheckIds(gold, nameof(gold));
        CheckIds(predicted, nameof(predicted));
        for (int i = 0; i < gold.Length; i++) _confusion[gold[i] * ClassCount + predicted[i]]++;
        _chunks?.Add(gold, predicted);
        _steps += gold.Length;
        _sequences++;
    }

    /// <summary>Adds a time-major batch: sequence b's labels are the first lengths[b] steps of column b; padding is not read.</summary>
    /// <param name="gold">Gold class ids [T, B] flattened time-major; in [0, K) on real steps.</param>
    /// <param name="predicted">Predicted class ids [T, B] flattened time-major; in [0, K) on real steps.</param>
    /// <param name="lengths">[B] each sequence's number of real steps, 0..T.</param>
    public void AddBatch(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted, ReadOnlySpan<int> lengths)
    {
        int b = lengths.Length;
        if (b == 0) ThrowHelper.Argument(nameof(lengths), "length 0", "it must hold one length per sequence (B > 0)");
        if (gold.Length % b != 0) ThrowHelper.Argument(nameof(gold), $"length {gold.Length}", $"it must hold T * B labels (B = {b})");
        if (predicted.Length != gold.Length)
            ThrowHelper.Argument(nameof(predicted), $"length {predicted.Length}", $"it must hold as many labels as 'gold' ({gold.Length})");
        int t = gold.Length / b;
        var g = new int[t];
        var p = new int[t];
        for (int j = 0; j < b; j++)
        {
            if ((uint)lengths[j] > (uint)t) ThrowHelper.OutOfRange($"lengths[{j}]", lengths[j], $"it must be in [0, {t}] (T)");
            for (int step = 0; step < lengths[j]; step++)
            {
                g[step] = gold[step * b + j];
                p[step] = predicted[step * b + j];
            }
            Add(g.AsSpan(0, lengths[j]), p.AsSpan(0, lengths[j]));
        }
    }

    /// <summary>Computes the figures over everything added so far.</summary>
    public SequenceLabelingMetrics Compute()
    {
        int k = ClassCount;
        long correct = 0;
        var perClass = new ClassMetrics[k];
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++)
        {
            long tp = _confusion[c * k + c], support = 0, predicted = 0;
            for (int o = 0; o < k; o++)
            {
                support += _confusion[c * k + o];
                predicted += _confusion[o * k + c];
            }
            correct += tp;
            double precision = predicted > 0 ? (double)tp / predicted : 0;
            double recall = support > 0 ? (double)tp / support : 0;
            double f1 = support + predicted > 0 ? 2.0 * tp / (support + predicted) : 0;
            perClass[c] = new ClassMetrics(c, _names[c], precision, recall, f1, support, predicted);
            if (support + predicted == 0) continue;
            f1Sum += f1;
            present++;
        }
        SpanMetrics? spans = null;
        if (_chunks is not null)
        {
            var types = new List<SpanTypeMetrics>();
            for (int type = 1; type < _chunks.Types.Count; type++)
            {
                if (_chunks.Gold[type] + _chunks.Guessed[type] == 0) continue;
                types.Add(SpanTypeMetrics.Of(_chunks.Types[type], _chunks.Gold[type], _chunks.Guessed[type], _chunks.Correct[type]));
            }
            types.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));
            var total = SpanTypeMetrics.Of("", _chunks.Gold.Sum(), _chunks.Guessed.Sum(), _chunks.Correct.Sum());
            spans = new SpanMetrics(total, types);
        }
        return new SequenceLabelingMetrics(
            _steps > 0 ? (double)correct / _steps : 0, present > 0 ? f1Sum / present : 0, perClass,
            new LabelConfusionMatrix(k, (long[])_confusion.Clone()), spans, _steps, _sequences);
    }

    private void CheckIds(ReadOnlySpan<int> ids, string name)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)ClassCount) ThrowHelper.OutOfRange($"{name}[{i}]", ids[i], $"it must be a class id in [0, {ClassCount})");
        }
    }
}
