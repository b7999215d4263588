using System.Globalization;
using Microsoft.ML;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceLabeling.Internals;

/// <summary>
/// Reads the current row's sequence for a labeler, at training and at prediction alike: token keys mapped to the
/// network's ids (unknown -> 0), or frames checked to be finite; and, when a label column is given, one label key
/// per step, checked to be as many as the steps and never the missing key. One reader per cursor.
/// </summary>
internal sealed class LabelingRowReader
{
    private readonly DataViewRow _row;
    private readonly string _feature;
    private readonly string? _label;
    private readonly SequenceInput _input;
    private readonly KeySequenceReader? _keyReader;
    private readonly FrameSequenceReader? _frames;
    private readonly KeySequenceReader? _labels;
    private int[] _ids = [];
    private int _keysRead;
    private int[] _keys = [];

    public LabelingRowReader(DataViewRow row, DataViewSchema.Column feature, DataViewSchema.Column? label, SequenceInput input)
    {
        _row = row;
        _feature = feature.Name;
        _label = label?.Name;
        _input = input;
        if (input.IsTokens) _keyReader = new KeySequenceReader(row, feature);
        else _frames = new FrameSequenceReader(row, feature, input.FrameSize);
        if (label is { } l) _labels = new KeySequenceReader(row, l);
    }

    /// <summary>The current row's token ids, in [0, V); valid until the next read.</summary>
    public ReadOnlySpan<int> ReadTokens()
    {
        ReadOnlySpan<int> keys = _keyReader!.Read();
        if (_ids.Length < keys.Length)
        {
            _ids = new int[Math.Max(keys.Length, 2 * _ids.Length)];
            _keys = new int[_ids.Length];
        }
        for (int t = 0; t < keys.Length; t++) _ids[t] = _input.IdOf(keys[t]);
        keys.CopyTo(_keys);
        _keysRead = keys.Length;
        return _ids.AsSpan(0, keys.Length);
    }

    /// <summary>The zero-based keys (-1 for missing) of the tokens just read by <see cref="ReadTokens"/>.</summary>
    public ReadOnlySpan<int> LastKeys => _keys.AsSpan(0, _keysRead);

    /// <summary>The current row's frames, <c>[T, D]</c> row-major, all finite; valid until the next read.</summary>
    public ReadOnlySpan<float> ReadFrames()
    {
        ReadOnlySpan<float> frames = _frames!.Read(out _);
        for (int i = 0; i < frames.Length; i++)
        {
            if (!float.IsFinite(frames[i]))
                ThrowHelper.RowValue(_feature, _row.Position,
                    $"value {i} (frame {i / _input.FrameSize}, feature {i % _input.FrameSize}) is {frames[i].ToString(CultureInfo.InvariantCulture)}; {SequenceLabeler.ComponentName} needs finite numbers");
        }
        return frames;
    }

    /// <summary>The number of steps of the sequence just read by <see cref="ReadTokens"/> or <see cref="ReadFrames"/>.</summary>
    public int StepsOf(int valuesRead) => _input.IsTokens ? valuesRead : valuesRead / _input.FrameSize;

    /// <summary>
    /// The current row's labels, zero-based, exactly <paramref name="steps"/> of them (the feature sequence's length);
    /// valid until the next read.
    /// </summary>
    public ReadOnlySpan<int> ReadLabels(int steps)
    {
        ReadOnlySpan<int> labels = _labels!.Read();
        if (labels.Length != steps)
            ThrowHelper.RowValue(_label!, _row.Position,
                $"it holds {labels.Length} labels but column '{_feature}' holds {steps} {(_input.IsTokens ? "tokens" : $"frames of {_input.FrameSize} features")}; {SequenceLabeler.ComponentName} needs one label per step");
        int missing = labels.IndexOf(-1);
        if (missing >= 0)
            ThrowHelper.RowValue(_label!, _row.Position,
                $"the label of step {missing} is the missing key (a value the label's key map never saw); {SequenceLabeler.ComponentName} needs a known label at every step");
        return labels;
    }
}
