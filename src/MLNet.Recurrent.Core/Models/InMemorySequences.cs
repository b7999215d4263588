using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>Sequences held in arrays: token ids or frames, with one class per sequence or one per step.</summary>
public sealed class InMemorySequences : ISequenceSource
{
    private readonly int[][]? _tokens;
    private readonly float[][]? _frames;
    private readonly int _frameSize;
    private readonly int[]? _labels;
    private readonly int[][]? _stepLabels;
    private int[][][]? _characters;
    private int[][]? _sideIndices;
    private float[][]? _sideValues;

    private InMemorySequences(int[][]? tokens, float[][]? frames, int frameSize, int[]? labels, int[][]? stepLabels)
    {
        _tokens = tokens;
        _frames = frames;
        _frameSize = frameSize;
        _labels = labels;
        _stepLabels = stepLabels;
        Count = tokens?.Length ?? frames!.Length;
        if ((labels?.Length ?? stepLabels!.Length) != Count)
            ThrowHelper.Argument("labels", $"{labels?.Length ?? stepLabels!.Length} entries", $"there must be one per sequence ({Count})");
        if (stepLabels is not null)
            for (int i = 0; i < Count; i++)
                if (stepLabels[i].Length != LengthOf(i))
                    ThrowHelper.Argument($"stepLabels[{i}]", $"{stepLabels[i].Length} labels", $"sequence {i} has {LengthOf(i)} steps");
    }

    /// <summary>Token sequences with one class each.</summary>
    public static InMemorySequences Classified(int[][] tokens, int[] labels) => new(tokens, null, 0, labels, null);

    /// <summary>Token sequences with a class per step.</summary>
    public static InMemorySequences Labelled(int[][] tokens, int[][] stepLabels) => new(tokens, null, 0, null, stepLabels);

    /// <summary>
    /// Token sequences with a class per step and the characters of every token (for character-level word features):
    /// <c>characters[i][t]</c> holds the character ids of token t of sequence i, at least one each.
    /// </summary>
    public static InMemorySequences LabelledWithCharacters(int[][] tokens, int[][][] characters, int[][] stepLabels)
    {
        var data = new InMemorySequences(tokens, null, 0, null, stepLabels);
        ArgumentNullException.ThrowIfNull(characters);
        if (characters.Length != tokens.Length)
            ThrowHelper.Argument(nameof(characters), $"{characters.Length} sequences", $"there must be one per token sequence ({tokens.Length})");
        for (int i = 0; i < tokens.Length; i++)
            if (characters[i].Length != tokens[i].Length)
                ThrowHelper.Argument($"characters[{i}]", $"{characters[i].Length} tokens", $"sequence {i} has {tokens[i].Length} tokens");
        data._characters = characters;
        return data;
    }

    /// <summary>
    /// Gives every sequence a sparse side-feature row (for a network with a side input): sequence i's non-zero slots
    /// <c>indices[i]</c> and their <c>values[i]</c>. Returns this object.
    /// </summary>
    /// <param name="indices">[N] each sequence's non-zero slots (the network checks them against its side input size).</param>
    /// <param name="values">[N] their values, one per index.</param>
    public InMemorySequences WithSideFeatures(int[][] indices, float[][] values)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != Count) ThrowHelper.Argument(nameof(indices), $"{indices.Length} rows", $"there must be one per sequence ({Count})");
        if (values.Length != Count) ThrowHelper.Argument(nameof(values), $"{values.Length} rows", $"there must be one per sequence ({Count})");
        for (int i = 0; i < Count; i++)
            if (values[i].Length != indices[i].Length)
                ThrowHelper.Argument($"values[{i}]", $"{values[i].Length} values", $"sequence {i} has {indices[i].Length} indices");
        _sideIndices = indices;
        _sideValues = values;
        return this;
    }

    /// <summary>Frame sequences ([length, D] row-major each) with one class each.</summary>
    public static InMemorySequences ClassifiedFrames(float[][] frames, int frameSize, int[] labels) => new(null, Check(frames, frameSize), frameSize, labels, null);

    /// <summary>Frame sequences ([length, D] row-major each) with a class per step.</summary>
    public static InMemorySequences LabelledFrames(float[][] frames, int frameSize, int[][] stepLabels) => new(null, Check(frames, frameSize), frameSize, null, stepLabels);

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int LengthOf(int index) => _tokens is not null ? _tokens[index].Length : _frames![index].Length / _frameSize;

    /// <inheritdoc/>
    public void Fill(int index, SequenceBatch batch, int row)
    {
        if (_tokens is not null)
        {
            batch.SetTokens(row, _tokens[index]);
            if (_characters is not null)
            {
                int[][] words = _characters[index];
                batch.SetTokenCharacters(row, words.SelectMany(w => w).ToArray(), words.Select(w => w.Length).ToArray());
            }
        }
        else batch.SetFrames(row, _frames![index]);
        if (_sideIndices is not null) batch.SetSideFeatures(row, _sideIndices[index], _sideValues![index]);
        if (_labels is not null) batch.SetTarget(row, _labels[index]);
        else batch.SetStepTargets(row, _stepLabels![index]);
    }

    private static float[][] Check(float[][] frames, int frameSize)
    {
        ThrowHelper.ThrowIfNotPositive(frameSize, nameof(frameSize));
        for (int i = 0; i < frames.Length; i++)
            if (frames[i].Length % frameSize != 0)
                ThrowHelper.Argument($"frames[{i}]", $"{frames[i].Length} values", $"it must be a whole number of frames of {frameSize}");
        return frames;
    }
}
