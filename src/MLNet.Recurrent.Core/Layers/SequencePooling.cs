using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// Many-to-one pooling of a time-major sequence of features <c>[T, B, F]</c> into <c>[B, F]</c>, over each sequence's
/// valid steps only. A sequence of length 0 pools to zeros in every mode and receives zero gradient.
/// </summary>
public sealed class SequencePooling
{
    private int[] _lengths = [];
    private int[] _argMax = [];   // Max: the step chosen for each [b, f], -1 for length 0
    private int _steps, _batch, _features;
    private bool _forwardDone;

    /// <summary>Creates a pooling layer.</summary>
    /// <param name="mode">How to pool.</param>
    /// <param name="bidirectional">
    /// Whether the features are <c>[forward | reverse]</c> halves of a bidirectional layer; matters for
    /// <see cref="SequencePoolingMode.Last"/> only.
    /// </param>
    public SequencePooling(SequencePoolingMode mode, bool bidirectional = false)
    {
        if (!Enum.IsDefined(mode)) ThrowHelper.OutOfRange(nameof(mode), mode, "it must be Last, Mean or Max");
        Mode = mode;
        Bidirectional = bidirectional;
    }

    /// <summary>How the layer pools.</summary>
    public SequencePoolingMode Mode { get; }

    /// <summary>Whether the features are the two halves of a bidirectional layer.</summary>
    public bool Bidirectional { get; }

    /// <summary>Pools each sequence over its valid steps.</summary>
    /// <param name="input"><c>[T, B, F]</c>, time-major; F even when bidirectional.</param>
    /// <param name="lengths"><c>[B]</c>, each in [0, T]; empty means all T.</param>
    /// <param name="output"><c>[B, F]</c>: resized and written.</param>
    public void Forward(Tensor input, ReadOnlySpan<int> lengths, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.Rank != 3) ThrowHelper.Argument(nameof(input), input.ToString(), "it must have shape [T, B, F]");
        int steps = input.Dim(0), batch = input.Dim(1), features = input.Dim(2);
        if (Bidirectional && features % 2 != 0) ThrowHelper.Argument(nameof(input), input.ToString(), "a bidirectional input needs an even feature count");
        if (!lengths.IsEmpty && lengths.Length != batch)
            ThrowHelper.Argument(nameof(lengths), $"length {lengths.Length}", $"it must be empty or hold one length per sequence ({batch})");
        if (_lengths.Length < batch) _lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? steps : lengths[b];
            if ((uint)length > (uint)steps) ThrowHelper.OutOfRange($"lengths[{b}]", length, $"it must be in [0, {steps}]");
            _lengths[b] = length;
        }
        _steps = steps;
        _batch = batch;
        _features = features;
        output.Resize(batch, features);
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = output.Span;
        y.Clear();
        if (Mode == SequencePoolingMode.Max && _argMax.Length < batch * features) _argMax = new int[batch * features];
        for (int b = 0; b < batch; b++)
        {
            int length = _lengths[b];
            Span<float> yb = y.Slice(b * features, features);
            switch (Mode)
            {
                case SequencePoolingMode.Last:
                    if (length == 0) break;
                    int half = Bidirectional ? features / 2 : features;
                    x.Slice(((length - 1) * batch + b) * features, half).CopyTo(yb[..half]);
                    if (Bidirectional) x.Slice(b * features + half, half).CopyTo(yb[half..]);
                    break;
                case SequencePoolingMode.Mean:
                    if (length == 0) break;
                    for (int t = 0; t < length; t++) TensorPrimitives.Add(yb, x.Slice((t * batch + b) * features, features), yb);
                    TensorPrimitives.Multiply(yb, 1f / length, yb);
                    break;
                default:
                    Span<int> arg = _argMax.AsSpan(b * features, features);
                    arg.Fill(length == 0 ? -1 : 0);
                    if (length == 0) break;
                    x.Slice(b * features, features).CopyTo(yb);
                    for (int t = 1; t < length; t++)
                    {
                        ReadOnlySpan<float> xt = x.Slice((t * batch + b) * features, features);
                        for (int f = 0; f < features; f++)
                        {
                            if (xt[f] > yb[f])
                            {
                                yb[f] = xt[f];
                                arg[f] = t;
                            }
                        }
                    }
                    break;
            }
        }
        _forwardDone = true;
    }

    /// <summary>Back-propagates the last Forward: the gradient goes to the steps that produced each output.</summary>
    /// <param name="inputGrad"><c>[T, B, F]</c>: resized and overwritten (zero at steps that did not contribute).</param>
    /// <param name="outputGrad"><c>[B, F]</c>.</param>
    public void Backward(Tensor inputGrad, Tensor outputGrad)
    {
        ArgumentNullException.ThrowIfNull(inputGrad);
        ArgumentNullException.ThrowIfNull(outputGrad);
        if (!_forwardDone) ThrowHelper.InvalidOperation("Backward was called before Forward.");
        int steps = _steps, batch = _batch, features = _features;
        if (outputGrad.Rank != 2 || outputGrad.Dim(0) != batch || outputGrad.Dim(1) != features)
            ThrowHelper.Argument(nameof(outputGrad), outputGrad.ToString(), $"it must have shape [{batch}, {features}]");
        inputGrad.Resize(steps, batch, features);
        inputGrad.Clear();
        Span<float> dx = inputGrad.Span;
        ReadOnlySpan<float> dy = outputGrad.Span;
        for (int b = 0; b < batch; b++)
        {
            int length = _lengths[b];
            if (length == 0) continue;
            ReadOnlySpan<float> dyb = dy.Slice(b * features, features);
            switch (Mode)
            {
                case SequencePoolingMode.Last:
                    int half = Bidirectional ? features / 2 : features;
                    dyb[..half].CopyTo(dx.Slice(((length - 1) * batch + b) * features, half));
                    if (Bidirectional) dyb[half..].CopyTo(dx.Slice(b * features + half, half));
                    break;
                case SequencePoolingMode.Mean:
                    for (int t = 0; t < length; t++) TensorPrimitives.Multiply(dyb, 1f / length, dx.Slice((t * batch + b) * features, features));
                    break;
                default:
                    ReadOnlySpan<int> arg = _argMax.AsSpan(b * features, features);
                    for (int f = 0; f < features; f++) dx[(arg[f] * batch + b) * features + f] = dyb[f];
                    break;
            }
        }
    }
}
