using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceLabeling;

/// <summary>
/// Live labelling with a forward-only <see cref="SequenceLabelingTransformer"/>: push one token key (as
/// <c>MapValueToKey</c> numbered it) or one frame of D features, and get that step's label at once, its class
/// probabilities in <see cref="Probabilities"/>, the recurrent state carried to the next push. For the same sequence
/// the labels and probabilities equal the transformer's <c>PredictedLabels</c> and <c>Scores</c> (to float rounding).
/// Made by <see cref="SequenceLabelingTransformer.CreateStream"/>; one thread at a time.
/// </summary>
public sealed class SequenceLabelerStream
{
    private readonly SequenceLabelStream _stream;
    private readonly SequenceInput _input;
    private readonly string[] _classNames;

    internal SequenceLabelerStream(SequenceNetwork network, SequenceInput input, string[] classNames)
    {
        _stream = new SequenceLabelStream(network);
        _input = input;
        _classNames = classNames;
    }

    /// <summary>The labels in key order.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>D for a frame model; 0 for a token model.</summary>
    public int FrameSize => _input.FrameSize;

    /// <summary>The steps pushed since the start or the last <see cref="Reset"/>.</summary>
    public long Position => _stream.Position;

    /// <summary>The K class probabilities of the last pushed step, in key order (valid until the next push).</summary>
    public ReadOnlySpan<float> Probabilities => _stream.Probabilities;

    /// <summary>Forgets the state: the next push starts a new sequence.</summary>
    public void Reset() => _stream.Reset();

    /// <summary>Reads the next token and returns its label's key (1..K).</summary>
    /// <param name="key">The token's key as the feature column holds it (1-based; 0, the missing key, and keys unseen at training read as unknown).</param>
    public uint PushKey(uint key)
    {
        if (!_input.IsTokens) ThrowHelper.OutOfRange(nameof(key), key, $"the model reads frames of {_input.FrameSize} features; call PushFrame");
        return (uint)_stream.Push(_input.IdOf(key > int.MaxValue ? int.MaxValue - 1 : (int)key - 1)) + 1;
    }

    /// <summary>Reads the next frame and returns its label's key (1..K).</summary>
    /// <param name="frame">[D] the frame's features, each finite.</param>
    public uint PushFrame(ReadOnlySpan<float> frame)
    {
        if (_input.IsTokens) ThrowHelper.OutOfRange(nameof(frame), $"{frame.Length} values", "the model reads token keys; call PushKey");
        if (frame.Length != _input.FrameSize) ThrowHelper.OutOfRange(nameof(frame), $"{frame.Length} values", $"a frame holds {_input.FrameSize} features");
        return (uint)_stream.Push(frame) + 1;
    }

    /// <summary>The name of a label key returned by a push.</summary>
    public string NameOf(uint key) => key >= 1 && key <= _classNames.Length ? _classNames[key - 1]
        : throw new ArgumentOutOfRangeException(nameof(key), $"'key' was {key}; it must be in [1, {_classNames.Length}].");
}
