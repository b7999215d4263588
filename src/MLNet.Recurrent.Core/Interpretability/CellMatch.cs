using System.Globalization;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>One unit found by <see cref="CellRanking.FindCells"/>: how well its activations follow a detector.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Layer">The layer, zero-based (as in PyTorch's <c>weight_ih_l0</c>).</param>
/// <param name="Kind">Cell state c or hidden state h.</param>
/// <param name="Unit">The unit's index in its layer, zero-based.</param>
/// <param name="Correlation">Pearson's r between the unit's series and the detector's, in [-1, 1]; 0 when either is constant.
/// A negative r means the unit goes down where the feature goes up.</param>
public sealed record CellMatch(string Detector, int Layer, ActivationKind Kind, int Unit, double Correlation)
{
    /// <summary>A figure label, e.g. <c>layer 2 cell 137: inside quotes, r = 0.83</c> (kind "cell" for c, "hidden" for h).</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture,
        $"layer {Layer} {(Kind == ActivationKind.Cell ? "cell" : "hidden")} {Unit}: {Detector}, r = {Correlation:0.00}");
}
