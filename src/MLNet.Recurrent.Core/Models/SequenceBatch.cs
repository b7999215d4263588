using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// One mini-batch laid out time-major for a <see cref="SequenceNetwork"/>: B sequences padded to T steps, their
/// lengths, their inputs (token ids or frames of D features) and their targets. A batch is a reusable
/// workspace: <see cref="Reset"/> reshapes it without allocating once it has grown to its largest size.
/// </summary>
public sealed class SequenceBatch : IDisposable
{
    private int[] _lengths = [];
    private int[] _tokens = [];
    private int[] _targets = [];
    private int[] _charStart = [];
    private int[] _charCount = [];
    private int[] _chars = [];
    private int _charUsed;
    private int[] _sideStart = [];
    private int[] _sideCount = [];
    private int[] _sideIndices = [];
    private float[] _sideValues = [];
    private int _sideUsed;

    /// <summary>B: the number of sequences.</summary>
    public int BatchSize { get; private set; }

    /// <summary>T: the number of steps (the longest sequence).</summary>
    public int Steps { get; private set; }

    /// <summary>D for frame inputs, 0 for token inputs.</summary>
    public int FrameSize { get; private set; }

    /// <summary>[B] each sequence's length, 0..T.</summary>
    public Span<int> Lengths => _lengths.AsSpan(0, BatchSize);

    /// <summary>[T * B] token ids, time-major (step t of sequence b at <c>t * B + b</c>); padding holds 0.</summary>
    public Span<int> Tokens => _tokens.AsSpan(0, FrameSize == 0 ? Steps * BatchSize : 0);

    /// <summary>[T, B, D] frames, time-major; padding holds zeros. Empty for token inputs.</summary>
    public Tensor Frames { get; } = new(0);

    /// <summary>
    /// Targets: [B] class ids for a pooled head, or [T * B] per-step class ids (time-major) for a per-step head,
    /// with <see cref="IgnoreTarget"/> where a step has no target (padding).
    /// </summary>
    public Span<int> Targets => _targets.AsSpan(0, TargetCount);

    /// <summary>How many entries <see cref="Targets"/> has: B or T * B.</summary>
    public int TargetCount { get; private set; }

    /// <summary>The target value of steps that count for nothing.</summary>
    public const int IgnoreTarget = -100;

    /// <summary>
    /// The state the batch's rows start from when they continue earlier chunks of the same streams (truncated BPTT,
    /// chunked scoring): a network's <c>SaveFinalState</c> after the previous chunk. Null (what <see cref="Reset"/>
    /// sets) starts every row from the network's initial state. Only the state is carried, not its gradient.
    /// </summary>
    public CarriedState? InitialState { get; set; }

    /// <summary>Reshapes the batch and clears it: zero lengths, zero inputs, every target ignored, no initial state.</summary>
    /// <param name="batchSize">B, at least 1.</param>
    /// <param name="steps">T, zero or more.</param>
    /// <param name="frameSize">D for frame inputs, 0 for token inputs.</param>
    /// <param name="perStepTargets">Whether targets are per step ([T * B]) or per sequence ([B]).</param>
    public void Reset(int batchSize, int steps, int frameSize, bool perStepTargets)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        ThrowHelper.ThrowIfNegative(steps, nameof(steps));
        ThrowHelper.ThrowIfNegative(frameSize, nameof(frameSize));
        BatchSize = batchSize;
        Steps = steps;
        FrameSize = frameSize;
        TargetCount = perStepTargets ? steps * batchSize : batchSize;
        Grow(ref _lengths, batchSize);
        Grow(ref _tokens, frameSize == 0 ? steps * batchSize : 0);
        Grow(ref _targets, TargetCount);
        Grow(ref _charStart, frameSize == 0 ? steps * batchSize : 0);
        Grow(ref _charCount, frameSize == 0 ? steps * batchSize : 0);
        _charCount.AsSpan(0, frameSize == 0 ? steps * batchSize : 0).Clear();
        _charUsed = 0;
        HasCharacters = false;
        Grow(ref _sideStart, batchSize);
        Grow(ref _sideCount, batchSize);
        _sideCount.AsSpan(0, batchSize).Clear();
        _sideUsed = 0;
        HasSideFeatures = false;
        Lengths.Clear();
        Tokens.Clear();
        Targets.Fill(IgnoreTarget);
        Frames.Resize(frameSize == 0 ? 0 : steps, batchSize, frameSize);
        Frames.Clear();
        InitialState = null;
    }

    /// <summary>Writes sequence <paramref name="b"/>'s token ids and sets its length.</summary>
    /// <param name="b">The sequence's row, 0..B-1.</param>
    /// <param name="ids">Its ids, at most T of them.</param>
    public void SetTokens(int b, ReadOnlySpan<int> ids)
    {
        CheckRow(b, ids.Length);
        if (FrameSize != 0) ThrowHelper.InvalidOperation($"The batch holds frames of {FrameSize} features, not token ids.");
        for (int t = 0; t < ids.Length; t++) _tokens[t * BatchSize + b] = ids[t];
        _lengths[b] = ids.Length;
    }

    /// <summary>Whether <see cref="SetTokenCharacters"/> was called since the last <see cref="Reset"/>.</summary>
    public bool HasCharacters { get; private set; }

    /// <summary>
    /// Writes the characters of sequence <paramref name="b"/>'s tokens (for character-level word features): token t
    /// has <c>characterCounts[t]</c> (at least 1) character ids, taken in order from <paramref name="characters"/>.
    /// Call after <see cref="SetTokens"/> for the same row.
    /// </summary>
    /// <param name="b">The sequence's row, 0..B-1.</param>
    /// <param name="characters">Every token's character ids, concatenated; each in [1, V_c) (0 is padding).</param>
    /// <param name="characterCounts">[length] the number of characters of each token.</param>
    public void SetTokenCharacters(int b, ReadOnlySpan<int> characters, ReadOnlySpan<int> characterCounts)
    {
        if (FrameSize != 0) ThrowHelper.InvalidOperation($"The batch holds frames of {FrameSize} features, not tokens.");
        if ((uint)b >= (uint)BatchSize) ThrowHelper.OutOfRange(nameof(b), b, $"it must be in [0, {BatchSize})");
        if (characterCounts.Length != _lengths[b])
            ThrowHelper.Argument(nameof(characterCounts), $"{characterCounts.Length} counts", $"sequence {b} has {_lengths[b]} tokens; call SetTokens first");
        int total = 0;
        for (int t = 0; t < characterCounts.Length; t++)
        {
            if (characterCounts[t] <= 0) ThrowHelper.OutOfRange($"characterCounts[{t}]", characterCounts[t], "every token has at least one character");
            total += characterCounts[t];
        }
        if (total != characters.Length) ThrowHelper.Argument(nameof(characters), $"{characters.Length} ids", $"the counts add up to {total}");
        if (_chars.Length < _charUsed + total) Array.Resize(ref _chars, Math.Max(_charUsed + total, 2 * _chars.Length));
        characters.CopyTo(_chars.AsSpan(_charUsed));
        for (int t = 0, at = _charUsed; t < characterCounts.Length; at += characterCounts[t], t++)
        {
            _charStart[t * BatchSize + b] = at;
            _charCount[t * BatchSize + b] = characterCounts[t];
        }
        _charUsed += total;
        HasCharacters = true;
    }

    /// <summary>The character ids of the token at time-major cell <c>t * B + b</c> (empty on padding or without characters).</summary>
    public ReadOnlySpan<int> CharactersOf(int cell) => _chars.AsSpan(_charStart[cell], _charCount[cell]);

    /// <summary>Whether <see cref="SetSideFeatures"/> was called since the last <see cref="Reset"/>.</summary>
    public bool HasSideFeatures { get; private set; }

    /// <summary>
    /// Writes sequence <paramref name="b"/>'s side features (the extra per-sequence input a network with
    /// <see cref="SequenceNetworkOptions.SideInputSize"/> joins to its pooled summary), as the non-zero entries of a
    /// sparse row of S slots. A row never set holds all zeros. The network checks the indices against S.
    /// </summary>
    /// <param name="b">The sequence's row, 0..B-1.</param>
    /// <param name="indices">The non-zero slots, each in [0, S).</param>
    /// <param name="values">Their values, one per index.</param>
    public void SetSideFeatures(int b, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if ((uint)b >= (uint)BatchSize) ThrowHelper.OutOfRange(nameof(b), b, $"it must be in [0, {BatchSize})");
        if (values.Length != indices.Length) ThrowHelper.Argument(nameof(values), $"{values.Length} values", $"there must be one per index ({indices.Length})");
        int total = _sideUsed + indices.Length;
        if (_sideIndices.Length < total)
        {
            Array.Resize(ref _sideIndices, Math.Max(total, 2 * _sideIndices.Length));
            Array.Resize(ref _sideValues, _sideIndices.Length);
        }
        indices.CopyTo(_sideIndices.AsSpan(_sideUsed));
        values.CopyTo(_sideValues.AsSpan(_sideUsed));
        _sideStart[b] = _sideUsed;
        _sideCount[b] = indices.Length;
        _sideUsed = total;
        HasSideFeatures = true;
    }

    /// <summary>The non-zero side-feature slots of sequence <paramref name="b"/> (empty when none were set).</summary>
    public ReadOnlySpan<int> SideIndicesOf(int b) => _sideIndices.AsSpan(_sideStart[b], _sideCount[b]);

    /// <summary>The values matching <see cref="SideIndicesOf"/>.</summary>
    public ReadOnlySpan<float> SideValuesOf(int b) => _sideValues.AsSpan(_sideStart[b], _sideCount[b]);

    /// <summary>Writes sequence <paramref name="b"/>'s frames and sets its length.</summary>
    /// <param name="b">The sequence's row, 0..B-1.</param>
    /// <param name="frames">Its frames, [length, D] row-major; length at most T.</param>
    public void SetFrames(int b, ReadOnlySpan<float> frames)
    {
        if (FrameSize == 0) ThrowHelper.InvalidOperation("The batch holds token ids, not frames.");
        if (frames.Length % FrameSize != 0)
            ThrowHelper.Argument(nameof(frames), $"length {frames.Length}", $"it must be a whole number of frames of {FrameSize} features");
        int length = frames.Length / FrameSize;
        CheckRow(b, length);
        Span<float> x = Frames.Span;
        for (int t = 0; t < length; t++)
            frames.Slice(t * FrameSize, FrameSize).CopyTo(x.Slice((t * BatchSize + b) * FrameSize, FrameSize));
        _lengths[b] = length;
    }

    /// <summary>Sets sequence <paramref name="b"/>'s class (pooled head).</summary>
    public void SetTarget(int b, int target)
    {
        if (TargetCount != BatchSize || (uint)b >= (uint)BatchSize) ThrowHelper.OutOfRange(nameof(b), b, $"the batch has {BatchSize} per-sequence targets");
        _targets[b] = target;
    }

    /// <summary>Sets sequence <paramref name="b"/>'s per-step classes (per-step head), one per step of its length.</summary>
    public void SetStepTargets(int b, ReadOnlySpan<int> targets)
    {
        if (TargetCount != Steps * BatchSize) ThrowHelper.InvalidOperation("The batch holds one target per sequence, not per step.");
        CheckRow(b, targets.Length);
        for (int t = 0; t < targets.Length; t++) _targets[t * BatchSize + b] = targets[t];
    }

    private void CheckRow(int b, int length)
    {
        if ((uint)b >= (uint)BatchSize) ThrowHelper.OutOfRange(nameof(b), b, $"it must be in [0, {BatchSize})");
        if (length > Steps) ThrowHelper.Argument("length", length, $"a sequence of this batch has at most {Steps} steps");
    }

    private static void Grow(ref int[] array, int length)
    {
        if (array.Length < length) array = new int[length];
    }

    /// <summary>Returns the frame workspace to the pool.</summary>
    public void Dispose() => Frames.Dispose();
}
