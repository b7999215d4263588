using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// Inverted dropout: while training, each element is zeroed with probability p and the survivors are scaled by
/// <c>1 / (1 - p)</c>, so inference is the identity. Masks come from a seeded generator (<see cref="DeterministicRandom"/>, whose state a
/// training checkpoint records): the same seed gives the same sequence of masks on every machine. Forward caches the mask for Backward.
/// </summary>
public sealed class Dropout
{
    private readonly Tensor _mask = new(0);
    private DeterministicRandom _random;
    private bool _masked;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="probability">p, the probability of zeroing an element; in [0, 1).</param>
    /// <param name="seed">Seed of the masks.</param>
    public Dropout(float probability, int seed)
    {
        if (!(probability >= 0f && probability < 1f)) ThrowHelper.OutOfRange(nameof(probability), probability, "it must be in [0, 1)");
        Probability = probability;
        _random = new DeterministicRandom(seed);
    }

    /// <summary>p, the probability of zeroing an element.</summary>
    public float Probability { get; }

    /// <summary>Restarts the mask sequence from <paramref name="seed"/>, so the next masks repeat those after construction with it.</summary>
    public void Reset(int seed) => _random = new DeterministicRandom(seed);

    /// <summary>The mask generator's state, for a training checkpoint.</summary>
    internal ulong[] GetRandomState() => _random.GetState();

    /// <summary>Restores a state taken by <see cref="GetRandomState"/>: the next masks are the ones that followed it.</summary>
    internal void SetRandomState(ReadOnlySpan<ulong> state) => _random.SetState(state);

    /// <summary>Applies dropout (training) or copies (inference), caching the mask.</summary>
    /// <param name="input">Any shape.</param>
    /// <param name="output">Same shape as <paramref name="input"/>: resized and written.</param>
    /// <param name="training">Whether to drop; otherwise the output is a copy of the input.</param>
    public void Forward(Tensor input, Tensor output, bool training)
    {
        output.Resize(input.Shape);
        Forward(input.Span, output.Span, training);
    }

    /// <summary>Applies dropout (training) or copies (inference) over spans of equal length, caching the mask.</summary>
    /// <param name="input">The values.</param>
    /// <param name="output">Written; may be the same memory as <paramref name="input"/>.</param>
    /// <param name="training">Whether to drop.</param>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, bool training)
    {
        if (output.Length != input.Length) ThrowHelper.Argument(nameof(output), $"length {output.Length}", $"it must have the input's length {input.Length}");
        _masked = training && Probability > 0f;
        if (!_masked)
        {
            input.CopyTo(output);
            return;
        }
        _mask.Resize(input.Length);
        Span<float> mask = _mask.Span;
        float keep = 1f / (1f - Probability);
        for (int i = 0; i < mask.Length; i++) mask[i] = _random.NextSingle() >= Probability ? keep : 0f;
        for (int i = 0; i < mask.Length; i++) output[i] = input[i] * mask[i];
    }

    /// <summary>Back-propagates through the mask of the last Forward.</summary>
    /// <param name="inputGrad">Gradient of the input: resized and overwritten.</param>
    /// <param name="outputGrad">Gradient of the output.</param>
    public void Backward(Tensor inputGrad, Tensor outputGrad)
    {
        inputGrad.Resize(outputGrad.Shape);
        Backward(inputGrad.Span, outputGrad.Span);
    }

    /// <summary>Back-propagates through the mask of the last Forward over spans.</summary>
    /// <param name="inputGrad">Overwritten; may be the same memory as <paramref name="outputGrad"/>.</param>
    /// <param name="outputGrad">Gradient of the output.</param>
    public void Backward(Span<float> inputGrad, ReadOnlySpan<float> outputGrad)
    {
        if (!_masked)
        {
            outputGrad.CopyTo(inputGrad);
            return;
        }
        ReadOnlySpan<float> mask = _mask.Span;
        if (outputGrad.Length != mask.Length) ThrowHelper.Argument(nameof(outputGrad), $"length {outputGrad.Length}", $"it must have the length {mask.Length} of the last Forward");
        for (int i = 0; i < mask.Length; i++) inputGrad[i] = outputGrad[i] * mask[i];
    }
}
