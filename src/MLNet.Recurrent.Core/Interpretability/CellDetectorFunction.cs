using System.Text;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>Computes a feature series over a text: writes one value per rune of <paramref name="text"/> into <paramref name="values"/>.</summary>
/// <param name="text">The text, one rune per character position.</param>
/// <param name="values">Receives the feature at each position; exactly as long as <paramref name="text"/>, zero-filled on entry.</param>
public delegate void CellDetectorFunction(ReadOnlySpan<Rune> text, Span<double> values);
