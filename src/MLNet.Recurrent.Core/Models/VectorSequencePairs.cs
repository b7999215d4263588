using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Conditioned generation data for an <see cref="EncoderDecoder"/> built with a <c>SourceVectorSize</c>: per example a
/// source of one or more vectors of D_v floats (a label embedding, image features, a grid of region features) and a
/// target of ids (without start and end symbols).
/// </summary>
public sealed class VectorSequencePairs : IBatchSource<Seq2SeqBatch>
{
    private readonly IReadOnlyList<float[]> _sources;
    private readonly IReadOnlyList<int[]> _targets;
    private readonly int _size, _start, _end;

    /// <summary>Holds the examples (not copied).</summary>
    /// <param name="sources">Per example S_i * D_v floats, S_i at least 1, all finite.</param>
    /// <param name="targets">Per example the target ids.</param>
    /// <param name="vectorSize">D_v.</param>
    /// <param name="start">The start symbol.</param>
    /// <param name="end">The end symbol.</param>
    public VectorSequencePairs(IReadOnlyList<float[]> sources, IReadOnlyList<int[]> targets, int vectorSize, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        ThrowHelper.ThrowIfNotPositive(vectorSize, nameof(vectorSize));
        if (sources.Count != targets.Count)
            ThrowHelper.Argument(nameof(targets), $"{targets.Count} targets", $"there must be one per source ({sources.Count})");
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is null || sources[i].Length == 0 || sources[i].Length % vectorSize != 0)
                ThrowHelper.Argument($"sources[{i}]", sources[i] is null ? null : $"{sources[i].Length} floats", $"every source holds one or more vectors of {vectorSize}");
            if (targets[i] is null) ThrowHelper.Argument($"targets[{i}]", null, "every example needs a target (it may be empty)");
        }
        (_sources, _targets, _size, _start, _end) = (sources, targets, vectorSize, start, end);
    }

    /// <inheritdoc/>
    public int Count => _sources.Count;

    /// <inheritdoc/>
    public int LengthOf(int index) => Math.Max(_sources[index].Length / _size, _targets[index].Length + 1);

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
            s = Math.Max(s, _sources[i].Length / _size);
            t = Math.Max(t, _targets[i].Length + 1);
        }
        batch.Reset(indices.Length, s, t, _size);
        ReadOnlySpan<int> order = batch.LongestTargetsFirst(indices, _targets);
        for (int row = 0; row < indices.Length; row++) batch.SetVectorRow(row, _sources[order[row]], _targets[order[row]], _start, _end);
    }
}
