using System.Text;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Interpretability;

/// <summary>
/// The states of a recurrent network recorded while it read a text: for each layer, the hidden state h and
/// (for LSTM) the cell state c after each character. Row t of a layer's [N, H] matrix is the state after the
/// network has read runes 0..t (N = <see cref="Length"/> runes, H = <see cref="HiddenSize"/>).
/// </summary>
/// <remarks>
/// The text is held as <see cref="Rune"/>s, one per character position: a surrogate pair is one position.
/// The activation arrays are kept, not copied (a trace of a long text is large); do not change them afterwards.
/// </remarks>
public sealed class ActivationTrace
{
    private static readonly IReadOnlyList<ActivationKind> s_cellAndHidden = Array.AsReadOnly([ActivationKind.Cell, ActivationKind.Hidden]);
    private static readonly IReadOnlyList<ActivationKind> s_hiddenOnly = Array.AsReadOnly([ActivationKind.Hidden]);
    private readonly Rune[] _text;
    private readonly float[][] _hidden;
    private readonly float[][]? _cells;

    /// <summary>Creates a trace from a text given as a string (lone surrogates read as U+FFFD, as in <c>CharVocabulary</c>).</summary>
    /// <param name="text">The text the network read; N runes, at least one.</param>
    /// <param name="hiddenSize">H, the number of units per layer.</param>
    /// <param name="hidden">One [N, H] row-major array per layer: h after each rune.</param>
    /// <param name="cells">One [N, H] row-major array per layer: c after each rune; <see langword="null"/> for GRU and RNN.</param>
    public ActivationTrace(string text, int hiddenSize, IReadOnlyList<float[]> hidden, IReadOnlyList<float[]>? cells = null)
        : this(ToRunes(text), hiddenSize, hidden, cells)
    {
    }

    /// <summary>Creates a trace from a text given as runes.</summary>
    /// <param name="text">The text the network read, one rune per character position; N runes, at least one.</param>
    /// <param name="hiddenSize">H, the number of units per layer.</param>
    /// <param name="hidden">One [N, H] row-major array per layer: h after each rune.</param>
    /// <param name="cells">One [N, H] row-major array per layer: c after each rune; <see langword="null"/> for GRU and RNN.</param>
    public ActivationTrace(ReadOnlySpan<Rune> text, int hiddenSize, IReadOnlyList<float[]> hidden, IReadOnlyList<float[]>? cells = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (text.IsEmpty) ThrowHelper.Argument(nameof(text), "empty", "it must hold at least one rune");
        ThrowHelper.ThrowIfNotPositive(hiddenSize, nameof(hiddenSize));
        if (hidden.Count == 0) ThrowHelper.Argument(nameof(hidden), "empty", "it must hold one array per layer, at least one");
        if (cells is not null && cells.Count != hidden.Count)
            ThrowHelper.Argument(nameof(cells), $"{cells.Count} layers", $"it must hold one array per layer, as 'hidden' does ({hidden.Count})");

        _text = text.ToArray();
        HiddenSize = hiddenSize;
        _hidden = Validate(hidden, nameof(hidden), text.Length, hiddenSize);
        _cells = cells is null ? null : Validate(cells, nameof(cells), text.Length, hiddenSize);
    }

    /// <summary>The number of recurrent layers.</summary>
    public int Layers => _hidden.Length;

    /// <summary>H, the number of units per layer.</summary>
    public int HiddenSize { get; }

    /// <summary>N, the number of runes (character positions) read.</summary>
    public int Length => _text.Length;

    /// <summary>The text, one rune per character position.</summary>
    public ReadOnlySpan<Rune> Text => _text;

    /// <summary>Whether the trace holds cell states (LSTM); <see langword="false"/> for GRU and RNN traces.</summary>
    public bool HasCellState => _cells is not null;

    /// <summary>The kinds this trace holds: <see cref="ActivationKind.Cell"/> (if any) then <see cref="ActivationKind.Hidden"/>.</summary>
    public IReadOnlyList<ActivationKind> Kinds => HasCellState ? s_cellAndHidden : s_hiddenOnly;

    /// <summary>The cell states c of one layer, shape [N, H] row-major.</summary>
    /// <param name="layer">The layer, in [0, <see cref="Layers"/>).</param>
    /// <exception cref="InvalidOperationException">The trace has no cell states (GRU or RNN).</exception>
    public ReadOnlySpan<float> Cell(int layer) => States(layer, ActivationKind.Cell);

    /// <summary>The hidden states h of one layer, shape [N, H] row-major.</summary>
    /// <param name="layer">The layer, in [0, <see cref="Layers"/>).</param>
    public ReadOnlySpan<float> Hidden(int layer) => States(layer, ActivationKind.Hidden);

    /// <summary>The states of one layer and kind, shape [N, H] row-major.</summary>
    /// <param name="layer">The layer, in [0, <see cref="Layers"/>).</param>
    /// <param name="kind">Cell state c or hidden state h.</param>
    public ReadOnlySpan<float> States(int layer, ActivationKind kind)
    {
        if ((uint)layer >= (uint)Layers) ThrowHelper.OutOfRange(nameof(layer), layer, $"it must be in [0, {Layers}) (the number of layers)");
        return kind switch
        {
            ActivationKind.Hidden => _hidden[layer],
            ActivationKind.Cell when _cells is not null => _cells[layer],
            ActivationKind.Cell => throw new InvalidOperationException(
                "This trace holds no cell states (a GRU or RNN network); use ActivationKind.Hidden."),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), $"'{nameof(kind)}' was {ThrowHelper.Show((int)kind)}; it must be Cell or Hidden."),
        };
    }

    /// <summary>The series of one unit: its activation after each rune, N values (a copy; the matrix is strided).</summary>
    /// <param name="layer">The layer, in [0, <see cref="Layers"/>).</param>
    /// <param name="kind">Cell state c or hidden state h.</param>
    /// <param name="unit">The unit, in [0, <see cref="HiddenSize"/>).</param>
    public float[] Activation(int layer, ActivationKind kind, int unit)
    {
        var series = new float[Length];
        CopyActivation(layer, kind, unit, series);
        return series;
    }

    /// <summary>Copies the series of one unit (N values) into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="layer">The layer, in [0, <see cref="Layers"/>).</param>
    /// <param name="kind">Cell state c or hidden state h.</param>
    /// <param name="unit">The unit, in [0, <see cref="HiddenSize"/>).</param>
    /// <param name="destination">Receives N values; at least <see cref="Length"/> long.</param>
    public void CopyActivation(int layer, ActivationKind kind, int unit, Span<float> destination)
    {
        ReadOnlySpan<float> states = States(layer, kind);
        if ((uint)unit >= (uint)HiddenSize) ThrowHelper.OutOfRange(nameof(unit), unit, $"it must be in [0, {HiddenSize}) (the hidden size)");
        ThrowHelper.ThrowIfTooShort(destination.Length, Length, nameof(destination));
        for (int t = 0, i = unit; t < Length; t++, i += HiddenSize) destination[t] = states[i];
    }

    /// <summary>Splits a string into runes, one per character position; a lone surrogate reads as U+FFFD.</summary>
    /// <param name="text">The text.</param>
    public static Rune[] ToRunes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runes = new List<Rune>(text.Length);
        foreach (Rune r in text.EnumerateRunes()) runes.Add(r);
        return [.. runes];
    }

    private static float[][] Validate(IReadOnlyList<float[]> layers, string name, int length, int hiddenSize)
    {
        long expected = (long)length * hiddenSize;
        var result = new float[layers.Count][];
        for (int l = 0; l < layers.Count; l++)
        {
            float[]? states = layers[l];
            if (states is null) ThrowHelper.Argument($"{name}[{l}]", null, $"layer {l} must have an [N, H] array");
            if (states.Length != expected)
                ThrowHelper.Argument($"{name}[{l}]", $"length {states.Length}",
                    $"layer {l} must hold N × H = {length} × {hiddenSize} = {expected} values ([N, H] row-major)");
            int bad = IndexOfNonFinite(states);
            if (bad >= 0)
                ThrowHelper.Argument($"{name}[{l}]", $"{ThrowHelper.Show(states[bad])} at rune {bad / hiddenSize}, unit {bad % hiddenSize}",
                    "activations must be finite");
            result[l] = states;
        }
        return result;
    }

    private static int IndexOfNonFinite(float[] values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
