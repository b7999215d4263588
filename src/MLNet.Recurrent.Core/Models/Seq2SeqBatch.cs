using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// One mini-batch of sentence pairs for an <see cref="EncoderDecoder"/>, time-major: B sources padded to S tokens
/// with their lengths, and the decoder's inputs <c>&lt;s&gt; y1 .. yn</c> and targets <c>y1 .. yn &lt;/s&gt;</c>
/// padded to T steps (targets past a row's end are <see cref="IgnoreTarget"/>). A reusable workspace. The pair
/// sources fill it with the longest targets first (<see cref="Seq2SeqPairs.Fill"/>).
/// </summary>
public sealed class Seq2SeqBatch
{
    private int[] _source = [], _sourceLengths = [], _input = [], _targets = [], _targetLengths = [];
    private float[] _vectors = [];
    private int[] _order = [];

    /// <summary>The target value of steps that count for nothing (padding).</summary>
    public const int IgnoreTarget = -100;

    /// <summary>B: the number of pairs.</summary>
    public int BatchSize { get; private set; }

    /// <summary>S: the longest source.</summary>
    public int SourceSteps { get; private set; }

    /// <summary>T: the longest target, <c>&lt;/s&gt;</c> included.</summary>
    public int TargetSteps { get; private set; }

    /// <summary>[S * B] source ids, time-major (token j of row b at <c>j * B + b</c>); padding holds 0.</summary>
    public Span<int> Source => _source.AsSpan(0, SourceSteps * BatchSize);

    /// <summary>D_v for vector sources, 0 for id sources.</summary>
    public int SourceVectorSize { get; private set; }

    /// <summary>[S * B * D_v] source vectors, time-major (vector j of row b at <c>(j * B + b) * D_v</c>); empty for id sources.</summary>
    public Span<float> SourceVectors => _vectors.AsSpan(0, SourceSteps * BatchSize * SourceVectorSize);

    /// <summary>[B] each source's length, 1..S.</summary>
    public Span<int> SourceLengths => _sourceLengths.AsSpan(0, BatchSize);

    /// <summary>[T * B] decoder inputs, time-major; padding holds 0.</summary>
    public Span<int> DecoderInput => _input.AsSpan(0, TargetSteps * BatchSize);

    /// <summary>[T * B] targets, time-major; <see cref="IgnoreTarget"/> past each row's end.</summary>
    public Span<int> Targets => _targets.AsSpan(0, TargetSteps * BatchSize);

    /// <summary>[B] each target's length, <c>&lt;/s&gt;</c> included.</summary>
    public Span<int> TargetLengths => _targetLengths.AsSpan(0, BatchSize);

    /// <summary>
    /// The pairs <paramref name="indices"/> in the order a batch holds them: by target length, longest first, ties in
    /// the given order. The decoder's steps then run on a prefix of the rows that shrinks as targets end. Kept in this
    /// batch's workspace, valid until the next call.
    /// </summary>
    /// <param name="indices">The pairs of the batch.</param>
    /// <param name="targets">Every pair's target ids (without end symbol).</param>
    internal ReadOnlySpan<int> LongestTargetsFirst(ReadOnlySpan<int> indices, IReadOnlyList<int[]> targets)
    {
        Grow(ref _order, indices.Length);
        for (int k = 0; k < indices.Length; k++)
        {
            // Insertion sort: stable, allocation-free, linear when the indices are already in order.
            int index = indices[k], length = targets[index].Length, j = k;
            for (; j > 0 && targets[_order[j - 1]].Length < length; j--) _order[j] = _order[j - 1];
            _order[j] = index;
        }
        return _order.AsSpan(0, indices.Length);
    }

    /// <summary>Reshapes and clears the batch.</summary>
    /// <param name="batchSize">B, at least 1.</param>
    /// <param name="sourceSteps">S, at least 1.</param>
    /// <param name="targetSteps">T, at least 1.</param>
    /// <param name="sourceVectorSize">D_v for vector sources; 0 for ids.</param>
    public void Reset(int batchSize, int sourceSteps, int targetSteps, int sourceVectorSize = 0)
    {
        ThrowHelper.ThrowIfNegative(sourceVectorSize, nameof(sourceVectorSize));
        SourceVectorSize = sourceVectorSize;
        if (_vectors.Length < sourceSteps * batchSize * sourceVectorSize) _vectors = new float[sourceSteps * batchSize * sourceVectorSize];
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        ThrowHelper.ThrowIfNotPositive(sourceSteps, nameof(sourceSteps));
        ThrowHelper.ThrowIfNotPositive(targetSteps, nameof(targetSteps));
        BatchSize = batchSize;
        SourceSteps = sourceSteps;
        TargetSteps = targetSteps;
        Grow(ref _source, sourceSteps * batchSize);
        Grow(ref _sourceLengths, batchSize);
        Grow(ref _input, targetSteps * batchSize);
        Grow(ref _targets, targetSteps * batchSize);
        Grow(ref _targetLengths, batchSize);
        Source.Clear();
        SourceVectors.Clear();
        SourceLengths.Clear();
        DecoderInput.Clear();
        Targets.Fill(IgnoreTarget);
        TargetLengths.Clear();
    }

    /// <summary>Writes row <paramref name="b"/>: its source ids and its target ids (without the start and end symbols).</summary>
    /// <param name="b">The row, 0..B-1.</param>
    /// <param name="source">1..S source ids.</param>
    /// <param name="target">0..T-1 target ids; the decoder reads <paramref name="start"/> first and must emit <paramref name="end"/> last.</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id.</param>
    public void SetRow(int b, ReadOnlySpan<int> source, ReadOnlySpan<int> target, int start, int end)
    {
        if ((uint)b >= (uint)BatchSize) ThrowHelper.OutOfRange(nameof(b), b, $"it must be in [0, {BatchSize})");
        if (source.IsEmpty || source.Length > SourceSteps) ThrowHelper.Argument(nameof(source), $"{source.Length} tokens", $"a source of this batch has 1 to {SourceSteps} tokens");
        if (target.Length + 1 > TargetSteps) ThrowHelper.Argument(nameof(target), $"{target.Length} tokens", $"a target of this batch has at most {TargetSteps - 1} tokens");
        int batch = BatchSize;
        for (int j = 0; j < source.Length; j++) _source[j * batch + b] = source[j];
        _sourceLengths[b] = source.Length;
        _input[b] = start;
        for (int t = 0; t < target.Length; t++)
        {
            _input[(t + 1) * batch + b] = target[t];
            _targets[t * batch + b] = target[t];
        }
        _targets[target.Length * batch + b] = end;
        _targetLengths[b] = target.Length + 1;
    }

    /// <summary>Writes row <paramref name="b"/> with a source of vectors: <paramref name="vectors"/> holds S_b vectors of D_v.</summary>
    /// <param name="b">The row.</param>
    /// <param name="vectors">[S_b * D_v], S_b in 1..S.</param>
    /// <param name="target">The target ids (without start and end symbols).</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id.</param>
    public void SetVectorRow(int b, ReadOnlySpan<float> vectors, ReadOnlySpan<int> target, int start, int end)
    {
        int d = SourceVectorSize;
        if (d == 0) ThrowHelper.InvalidOperation("The batch holds source ids; Reset it with a source vector size first.");
        if (vectors.Length % d != 0 || vectors.IsEmpty || vectors.Length / d > SourceSteps)
            ThrowHelper.Argument(nameof(vectors), $"length {vectors.Length}", $"it must hold 1 to {SourceSteps} vectors of {d}");
        int steps = vectors.Length / d;
        Span<int> placeholder = steps <= 256 ? stackalloc int[steps] : new int[steps];
        placeholder.Fill(1);
        SetRow(b, placeholder, target, start, end);
        for (int j = 0; j < steps; j++) vectors.Slice(j * d, d).CopyTo(_vectors.AsSpan((j * BatchSize + b) * d, d));
    }

    private static void Grow(ref int[] array, int length)
    {
        if (array.Length < length) array = new int[length];
    }
}
