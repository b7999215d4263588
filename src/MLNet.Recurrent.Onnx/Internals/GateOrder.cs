using MLNet.Recurrent.Core.Layers;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// Moves gate blocks between PyTorch's order (ours: LSTM i, f, g, o; GRU r, z, n) and ONNX's (LSTM i, o, f, c;
/// GRU z, r, h). A weight <c>[G*H, cols]</c> or bias <c>[G*H]</c> is G blocks of H rows; only block order changes.
/// </summary>
internal static class GateOrder
{
    // ONNX block j holds PyTorch block OnnxFromTorch[j].
    private static readonly int[] s_lstm = [0, 3, 1, 2];
    private static readonly int[] s_gru = [1, 0, 2];
    private static readonly int[] s_rnn = [0];

    /// <summary>For each ONNX gate block, the PyTorch block it comes from.</summary>
    public static ReadOnlySpan<int> OnnxFromTorch(CellType cell) => cell switch
    {
        CellType.Lstm => s_lstm,
        CellType.Gru => s_gru,
        _ => s_rnn,
    };

    /// <summary>Writes <paramref name="torch"/> (PyTorch block order) into <paramref name="onnx"/> (ONNX block order).</summary>
    /// <param name="cell">The cell type (its gate count and orders).</param>
    /// <param name="onnx"><c>[G*H*cols]</c>: written.</param>
    /// <param name="torch"><c>[G*H*cols]</c>.</param>
    /// <param name="blockLength">H * cols: the elements of one gate block.</param>
    public static void ToOnnx(CellType cell, Span<float> onnx, ReadOnlySpan<float> torch, int blockLength)
    {
        ReadOnlySpan<int> map = OnnxFromTorch(cell);
        for (int j = 0; j < map.Length; j++)
            torch.Slice(map[j] * blockLength, blockLength).CopyTo(onnx.Slice(j * blockLength, blockLength));
    }

    /// <summary>Writes <paramref name="onnx"/> (ONNX block order) into <paramref name="torch"/> (PyTorch block order).</summary>
    /// <param name="cell">The cell type (its gate count and orders).</param>
    /// <param name="torch"><c>[G*H*cols]</c>: written.</param>
    /// <param name="onnx"><c>[G*H*cols]</c>.</param>
    /// <param name="blockLength">H * cols: the elements of one gate block.</param>
    public static void ToTorch(CellType cell, Span<float> torch, ReadOnlySpan<float> onnx, int blockLength)
    {
        ReadOnlySpan<int> map = OnnxFromTorch(cell);
        for (int j = 0; j < map.Length; j++)
            onnx.Slice(j * blockLength, blockLength).CopyTo(torch.Slice(map[j] * blockLength, blockLength));
    }

    /// <summary>The ONNX operator of a cell: <c>LSTM</c>, <c>GRU</c> or <c>RNN</c>.</summary>
    public static string Operator(CellType cell) => cell switch
    {
        CellType.Lstm => "LSTM",
        CellType.Gru => "GRU",
        _ => "RNN",
    };
}
