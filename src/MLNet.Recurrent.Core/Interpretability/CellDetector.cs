using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// A named feature of a text, one value per rune (binary 0/1 or continuous), that a recurrent unit may track:
/// "inside quotes", "position in the line". <see cref="CellDetectors"/> holds the built-in ones;
/// <see cref="CellRanking"/> finds the units whose activations correlate with them.
/// </summary>
public sealed class CellDetector
{
    private readonly CellDetectorFunction _function;

    /// <summary>Creates a detector.</summary>
    /// <param name="name">A short name, shown in rankings and figure labels; not empty.</param>
    /// <param name="function">Writes the feature value of each rune; must be deterministic and write finite values.</param>
    public CellDetector(string name, CellDetectorFunction function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        if (string.IsNullOrWhiteSpace(name)) ThrowHelper.Argument(nameof(name), name, "it must not be empty");
        Name = name;
        _function = function;
    }

    /// <summary>The detector's name.</summary>
    public string Name { get; }

    /// <summary>The feature series of a text: one value per rune.</summary>
    /// <param name="text">The text, one rune per character position.</param>
    /// <exception cref="InvalidOperationException">The function wrote a NaN or infinite value.</exception>
    public double[] Evaluate(ReadOnlySpan<Rune> text)
    {
        var values = new double[text.Length];
        _function(text, values);
        for (int t = 0; t < values.Length; t++)
            if (!double.IsFinite(values[t]))
                ThrowHelper.InvalidOperation($"Detector \"{Name}\" gave {ThrowHelper.Show(values[t])} at rune {t}; detector values must be finite.");
        return values;
    }

    /// <summary>The feature series of a string: one value per rune (a surrogate pair is one rune; a lone surrogate reads as U+FFFD).</summary>
    /// <param name="text">The text.</param>
    public double[] Evaluate(string text) => Evaluate(ActivationTrace.ToRunes(text));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
