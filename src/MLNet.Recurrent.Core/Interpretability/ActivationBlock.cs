using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>One block of an <see cref="ActivationHtml"/> page: a unit's activation series and the label shown above it.</summary>
/// <param name="Label">The caption of the block, e.g. <c>layer 2 cell 137: inside quotes, r = 0.83</c>.</param>
/// <param name="Values">The activation after each rune of the page's text: one finite value per rune.</param>
public sealed record ActivationBlock(string Label, float[] Values)
{
    /// <summary>The block of a ranked unit, labelled with <see cref="CellMatch.Label"/>.</summary>
    /// <param name="trace">The trace the unit was ranked on.</param>
    /// <param name="match">The unit.</param>
    public static ActivationBlock From(ActivationTrace trace, CellMatch match)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(match);
        return new ActivationBlock(match.Label, trace.Activation(match.Layer, match.Kind, match.Unit));
    }

    /// <summary>The block of any unit of a trace.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="layer">The layer, in [0, trace.Layers).</param>
    /// <param name="kind">Cell state c or hidden state h.</param>
    /// <param name="unit">The unit, in [0, trace.HiddenSize).</param>
    /// <param name="label">The caption; <see langword="null"/> for e.g. <c>layer 0 hidden 5</c>.</param>
    public static ActivationBlock From(ActivationTrace trace, int layer, ActivationKind kind, int unit, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        float[] values = trace.Activation(layer, kind, unit);
        return new ActivationBlock(label ?? $"layer {layer} {(kind == ActivationKind.Cell ? "cell" : "hidden")} {unit}", values);
    }

    internal void Validate(string name, int length)
    {
        if (Label is null) ThrowHelper.Argument($"{name}.{nameof(Label)}", null, "it must be a string");
        if (Values is null) ThrowHelper.Argument($"{name}.{nameof(Values)}", null, "it must be an array of activations");
        if (Values.Length != length)
            ThrowHelper.Argument($"{name}.{nameof(Values)}", $"length {Values.Length}", $"it must hold one value per rune of the text ({length})");
        for (int t = 0; t < Values.Length; t++)
            if (!float.IsFinite(Values[t]))
                ThrowHelper.Argument($"{name}.{nameof(Values)}[{t}]", Values[t], "activations must be finite");
    }
}
