using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Live labelling with a unidirectional per-step <see cref="SequenceNetwork"/> (softmax output layer): push one token
/// or one frame, get its label and class probabilities at once, the recurrent state carried to the next push. For
/// the same inputs the labels and probabilities equal <see cref="SequenceNetwork.Label"/> over the whole sequence
/// (to float rounding). One thread at a time; <see cref="Reset"/> starts a new sequence.
/// </summary>
public sealed class SequenceLabelStream
{
    private readonly SequenceNetworkStream _stream;
    private readonly float[] _logits;
    private readonly float[] _probabilities;

    /// <summary>Prepares a stream over <paramref name="network"/>'s current weights.</summary>
    /// <exception cref="InvalidOperationException">
    /// The network is bidirectional, predicts one class per sequence, or ends in a CRF (whose labels depend on later steps).
    /// </exception>
    public SequenceLabelStream(SequenceNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Options.OutputLayer != SequenceOutputLayer.Softmax)
            ThrowHelper.InvalidOperation(
                $"'OutputLayer' was {network.Options.OutputLayer}; a stream labels each step as it arrives, which needs the Softmax output layer (a CRF's best path depends on later steps).");
        _stream = network.CreateStream(1);
        _logits = new float[_stream.OutputSize];
        _probabilities = new float[_stream.OutputSize];
        FrameSize = network.Options.FrameSize;
    }

    /// <summary>K: the number of classes.</summary>
    public int ClassCount => _logits.Length;

    /// <summary>D for a frame stream, 0 for a token stream.</summary>
    public int FrameSize { get; }

    /// <summary>The number of steps pushed since the start or the last <see cref="Reset"/>.</summary>
    public long Position { get; private set; }

    /// <summary>The class probabilities of the last pushed step [K] (valid until the next push).</summary>
    public ReadOnlySpan<float> Probabilities => _probabilities;

    /// <summary>Forgets the state: the next push is the first step of a new sequence.</summary>
    public void Reset()
    {
        _stream.Reset();
        Position = 0;
    }

    /// <summary>Reads the next token and returns its label (the most likely class, ties to the lower id).</summary>
    /// <param name="token">The token id, in [0, V_in).</param>
    public int Push(int token)
    {
        _stream.Step([token], _logits);
        return Finish();
    }

    /// <summary>Reads the next frame and returns its label (the most likely class, ties to the lower id).</summary>
    /// <param name="frame">[D] the frame's features, each finite.</param>
    public int Push(ReadOnlySpan<float> frame)
    {
        _stream.StepFrames(frame, _logits);
        return Finish();
    }

    private int Finish()
    {
        Position++;
        TensorPrimitives.SoftMax(_logits, _probabilities);
        return TensorPrimitives.IndexOfMax(_logits);
    }
}
