using Microsoft.ML;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Reads the current row's sequence for a recurrent model, at training and at prediction alike: token keys mapped to
/// the network's ids (unknown -> 0), or frames checked to be finite; cut to the first <c>maxLength</c> steps when
/// a limit is set. One reader per cursor; no allocation once its buffers have grown.
/// </summary>
internal sealed class SequenceRowReader
{
    private readonly DataViewRow _row;
    private readonly string _column;
    private readonly SequenceInput _input;
    private readonly int _maxLength;
    private readonly KeySequenceReader? _keys;
    private readonly FrameSequenceReader? _frames;
    private int[] _ids = [];

    /// <summary>Creates a reader of <paramref name="column"/> (already validated) on <paramref name="row"/>.</summary>
    public SequenceRowReader(DataViewRow row, DataViewSchema.Column column, SequenceInput input, int maxLength)
    {
        _row = row;
        _column = column.Name;
        _input = input;
        _maxLength = maxLength;
        if (input.IsTokens) _keys = new KeySequenceReader(row, column);
        else _frames = new FrameSequenceReader(row, column, input.FrameSize);
    }

    /// <summary>The current row's token ids, in [0, V); valid until the next read.</summary>
    /// <param name="fullLength">The row's length before truncation.</param>
    public ReadOnlySpan<int> ReadTokens(out int fullLength)
    {
        ReadOnlySpan<int> keys = _keys!.Read();
        fullLength = keys.Length;
        int length = Limit(keys.Length);
        if (_ids.Length < length) _ids = new int[Math.Max(length, 2 * _ids.Length)];
        for (int t = 0; t < length; t++) _ids[t] = _input.IdOf(keys[t]);
        return _ids.AsSpan(0, length);
    }

    /// <summary>The current row's frames, <c>[T, D]</c> row-major, all finite; valid until the next read.</summary>
    /// <param name="fullLength">The row's frame count before truncation.</param>
    public ReadOnlySpan<float> ReadFrames(out int fullLength)
    {
        ReadOnlySpan<float> frames = _frames!.Read(out fullLength);
        frames = frames[..(Limit(fullLength) * _input.FrameSize)];
        for (int i = 0; i < frames.Length; i++)
        {
            if (!float.IsFinite(frames[i]))
                ThrowHelper.RowValue(_column, _row.Position,
                    $"value {i} (frame {i / _input.FrameSize}, feature {i % _input.FrameSize}) is {frames[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; a recurrent model needs finite numbers");
        }
        return frames;
    }

    /// <summary>
    /// Reads the current row into row 0 of a one-sequence <paramref name="batch"/>. An empty row has length 0 in a
    /// batch of one padding step, which the network pools to zeros.
    /// </summary>
    public void ReadInto(SequenceBatch batch)
    {
        if (_input.IsTokens)
        {
            ReadOnlySpan<int> ids = ReadTokens(out _);
            // At least one (padding) step: the recurrent layer needs T >= 1; the row's length stays 0.
            batch.Reset(1, Math.Max(1, ids.Length), 0, perStepTargets: false);
            batch.SetTokens(0, ids);
        }
        else
        {
            ReadOnlySpan<float> frames = ReadFrames(out _);
            batch.Reset(1, Math.Max(1, frames.Length / _input.FrameSize), _input.FrameSize, perStepTargets: false);
            batch.SetFrames(0, frames);
        }
    }

    private int Limit(int length) => _maxLength > 0 ? Math.Min(length, _maxLength) : length;
}
