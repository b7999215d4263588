using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Sentence pairs as ids, batched for an <see cref="EncoderDecoder"/>: a source of 1 or more ids and a target of 0
/// or more ids (without start and end symbols) per pair. Grouped for batching by the longer side.
/// </summary>
public sealed class Seq2SeqPairs : IBatchSource<Seq2SeqBatch>
{
    private readonly IReadOnlyList<int[]> _sources, _targets;

    /// <summary>Holds the pairs (not copied).</summary>
    /// <param name="sources">Source ids per pair, each at least one.</param>
    /// <param name="targets">Target ids per pair, as many pairs as <paramref name="sources"/>.</param>
    /// <param name="start">The start symbol the decoder reads first.</param>
    /// <param name="end">The end symbol it must emit last.</param>
    public Seq2SeqPairs(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        if (sources.Count != targets.Count)
            ThrowHelper.Argument(nameof(targets), $"{targets.Count} targets", $"there must be one per source ({sources.Count})");
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is null || sources[i].Length == 0) ThrowHelper.Argument($"sources[{i}]", "empty", "every pair needs a source of at least one token");
            if (targets[i] is null) ThrowHelper.Argument($"targets[{i}]", null, "every pair needs a target (it may be empty)");
        }
        _sources = sources;
        _targets = targets;
        Start = start;
        End = end;
    }

    /// <summary>The start symbol.</summary>
    public int Start { get; }

    /// <summary>The end symbol.</summary>
    public int End { get; }

    /// <inheritdoc/>
    public int Count => _sources.Count;

    /// <summary>The source ids of pair <paramref name="index"/>.</summary>
    public int[] Source(int index) => _sources[index];

    /// <summary>The target ids of pair <paramref name="index"/>.</summary>
    public int[] Target(int index) => _targets[index];

    /// <summary>The number of targets (end symbols included) over all pairs.</summary>
    public long TargetTokens => _targets.Sum(t => (long)t.Length + 1);

    /// <inheritdoc/>
    public int LengthOf(int index) => Math.Max(_sources[index].Length, _targets[index].Length + 1);

    /// <summary>
    /// Fills <paramref name="batch"/> with the pairs <paramref name="indices"/>, longest target first (ties in the given
    /// order), so the decoder's steps run on a prefix of the rows that shrinks as targets end.
    /// </summary>
    /// <param name="indices">The pairs.</param>
    /// <param name="batch">The batch to fill.</param>
    public void Fill(ReadOnlySpan<int> indices, Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int s = 1, t = 1;
        foreach (int i in indices)
        {
            s = Math.Max(s, _sources[i].Length);
            t = Math.Max(t, _targets[i].Length + 1);
        }
        batch.Reset(indices.Length, s, t);
        ReadOnlySpan<int> order = batch.LongestTargetsFirst(indices, _targets);
        for (int row = 0; row < indices.Length; row++) batch.SetRow(row, _sources[order[row]], _targets[order[row]], Start, End);
    }
}
