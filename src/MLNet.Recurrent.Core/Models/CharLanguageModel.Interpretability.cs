using System.Globalization;
using MLNet.Recurrent.Core.Interpretability;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class CharLanguageModel
{
    /// <summary>
    /// Reads <paramref name="text"/> one character at a time, after the separator's first character (as
    /// <see cref="Score"/> and generation do), and records every layer's hidden state h and, for an LSTM, cell
    /// state c after each character. Row t of a layer is the state after reading runes 0..t of the text.
    /// </summary>
    /// <param name="text">The text; at least one character. A character the vocabulary lacks reads as the unknown symbol.</param>
    public ActivationTrace Trace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) ThrowHelper.Argument(nameof(text), "empty", "it must hold at least one character");
        var ids = Encode(text, primed: true);
        int n = ids.Length - 1, layers = Network.Options.Layers, h = Network.Options.HiddenSize, e = Network.Options.EmbeddingSize;
        bool lstm = Network.Options.Cell == CellType.Lstm;
        var hidden = new float[layers][];
        var cells = lstm ? new float[layers][] : null;
        for (int l = 0; l < layers; l++)
        {
            hidden[l] = new float[n * h];
            if (cells is not null) cells[l] = new float[n * h];
        }

        var top = new float[h];
        lock (_gate)
        {
            RecurrentState state = Network.Recurrent.CreateState(1);
            ReadOnlySpan<float> embedding = Network.Parameters["embedding.weight"].Value;
            for (int t = 0; t < ids.Length; t++)
            {
                Network.Recurrent.Step(embedding.Slice(ids[t] * e, e), state, top);
                if (t == 0) continue; // the priming character is read, not recorded
                for (int l = 0; l < layers; l++)
                {
                    // state.Hidden and state.Cell are [L, B = 1, H].
                    state.Hidden.Slice(l * h, h).CopyTo(hidden[l].AsSpan((t - 1) * h, h));
                    if (cells is not null) state.Cell.Slice(l * h, h).CopyTo(cells[l].AsSpan((t - 1) * h, h));
                }
            }
        }
        return new ActivationTrace(text, h, hidden, cells);
    }

    /// <summary>
    /// Traces <paramref name="text"/> and ranks every unit (each layer's c and h) by Pearson's correlation with
    /// each detector; see <see cref="CellRanking.FindCells"/>.
    /// </summary>
    /// <param name="text">The text to read; a passage of a few thousand characters gives stable rankings.</param>
    /// <param name="top">Units kept per detector, largest |r| first.</param>
    /// <param name="detectors">The features to look for; <see langword="null"/> for <see cref="CellDetectors.All"/>.</param>
    /// <returns>For each detector name, in the order given, its best units.</returns>
    public IReadOnlyDictionary<string, IReadOnlyList<CellMatch>> FindCells(string text, int top = 10, IEnumerable<CellDetector>? detectors = null)
    {
        ThrowHelper.ThrowIfNotPositive(top, nameof(top));
        return CellRanking.FindCells(Trace(text), detectors, top);
    }

    /// <summary>
    /// The HTML figure of Karpathy, Johnson &amp; Fei-Fei (2016) for <paramref name="text"/>: for each detector, its
    /// <paramref name="cellsPerDetector"/> best-correlated units, each drawn as the text with every character
    /// coloured by the unit's activation after reading it (blue negative, white 0, red positive). See <see cref="ActivationHtml"/>.
    /// An LSTM cell state c is unbounded, so cell units are drawn as tanh(c), as in the paper (and labelled so);
    /// hidden units are drawn as they are.
    /// </summary>
    /// <param name="text">The passage to read and draw.</param>
    /// <param name="detectors">The features to look for; <see langword="null"/> for <see cref="CellDetectors.InsideQuotes"/> and <see cref="CellDetectors.LinePosition"/>.</param>
    /// <param name="cellsPerDetector">Units drawn per detector.</param>
    /// <param name="title">The page title; <see langword="null"/> for a description of the model.</param>
    /// <param name="scale">The drawn value shown at full colour; larger magnitudes saturate.</param>
    /// <returns>A self-contained HTML page.</returns>
    public string ExportCellsHtml(string text, IEnumerable<CellDetector>? detectors = null, int cellsPerDetector = 2, string? title = null, double scale = 1)
    {
        ThrowHelper.ThrowIfNotPositive(cellsPerDetector, nameof(cellsPerDetector));
        ActivationTrace trace = Trace(text);
        var ranked = CellRanking.FindCells(trace, detectors ?? [CellDetectors.InsideQuotes, CellDetectors.LinePosition], cellsPerDetector);
        ActivationBlock[] blocks = [.. ranked.Values.SelectMany(m => m).Select(m => Drawn(trace, m))];
        var o = Network.Options;
        string cell = o.Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", CellType.RnnTanh => "tanh RNN", _ => "ReLU RNN" };
        title ??= string.Create(CultureInfo.InvariantCulture, $"{o.Layers} x {o.HiddenSize} {cell}: the most interpretable units");
        return ActivationHtml.ToHtml(trace.Text, blocks, title, scale);
    }

    private static ActivationBlock Drawn(ActivationTrace trace, CellMatch match)
    {
        var block = ActivationBlock.From(trace, match);
        if (match.Kind != ActivationKind.Cell) return block;
        float[] squashed = block.Values;
        System.Numerics.Tensors.TensorPrimitives.Tanh(squashed, squashed);
        return new ActivationBlock(block.Label + " (drawn as tanh c)", squashed);
    }
}
