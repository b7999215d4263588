namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>The graph values a <see cref="SequenceNetworkGraph"/> produced.</summary>
/// <param name="Logits">Float <c>[B, K]</c> (pooled) or <c>[B, T, K]</c> (per step; a CRF's emission scores).</param>
/// <param name="Probabilities">The softmax of <paramref name="Logits"/> over K; null for a CRF output layer, whose probabilities are not a per-step softmax.</param>
/// <param name="FinalHidden">Float <c>[L*dirs, B, H]</c>, index <c>layer*dirs + direction</c>.</param>
/// <param name="FinalCell">LSTM: float <c>[L*dirs, B, H]</c>; null for other cells.</param>
internal sealed record SequenceNetworkValues(string Logits, string? Probabilities, string FinalHidden, string? FinalCell);
