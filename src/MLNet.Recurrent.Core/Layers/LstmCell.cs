using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// The elementwise step of an LSTM, on pre-activations a caller has already formed with GEMMs. Each row of
/// <c>gates</c> holds four blocks of H in PyTorch's order <b>i, f, g, o</b>:
/// <c>[i f g o] = x W_ih^T + b_ih + h_prev W_hh^T + b_hh</c>, then
/// <c>c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g)</c> and <c>h = sigmoid(o) * tanh(c)</c>.
/// A step-at-a-time decoder calls these directly around its own GEMMs.
/// </summary>
public static class LstmCell
{
    /// <summary>Activates one step.</summary>
    /// <param name="hidden">h, <c>[rows, H]</c>: written.</param>
    /// <param name="cell">c, <c>[rows, H]</c>: written; may be the same memory as <paramref name="cellPrev"/>.</param>
    /// <param name="gates"><c>[rows, 4H]</c>: pre-activations on entry; activations i, f, g, o on exit, kept for Backward.</param>
    /// <param name="cellPrev">c_prev, <c>[rows, H]</c>.</param>
    /// <param name="rows">Rows (batch entries) to process.</param>
    /// <param name="hiddenSize">H.</param>
    public static void Forward(Span<float> hidden, Span<float> cell, Span<float> gates, ReadOnlySpan<float> cellPrev, int rows, int hiddenSize)
    {
        int h = hiddenSize;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = gates.Slice(r * 4 * h, 4 * h);
            Span<float> i = row[..h], f = row.Slice(h, h), g = row.Slice(2 * h, h), o = row.Slice(3 * h, h);
            TensorPrimitives.Sigmoid(row[..(2 * h)], row[..(2 * h)]);
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);
            Span<float> c = cell.Slice(r * h, h);
            TensorPrimitives.Multiply(f, cellPrev.Slice(r * h, h), c);
            TensorPrimitives.MultiplyAdd(i, g, c, c);
            Span<float> hr = hidden.Slice(r * h, h);
            TensorPrimitives.Tanh(c, hr);
            TensorPrimitives.Multiply(hr, o, hr);
        }
    }

    /// <summary>
    /// Back-propagates one step. The gradient to h_prev is <c>gatesGrad W_hh</c>, which the caller forms with a GEMM.
    /// </summary>
    /// <param name="gatesGrad">Gradient of the pre-activations i, f, g, o, <c>[rows, 4H]</c>: written (overwritten).</param>
    /// <param name="cellPrevGrad">dc_prev, <c>[rows, H]</c>: written; may be the same memory as <paramref name="cellGrad"/>.</param>
    /// <param name="hiddenGrad">dh, <c>[rows, H]</c>: the total gradient reaching h.</param>
    /// <param name="cellGrad">dc, <c>[rows, H]</c>: the gradient reaching c from the next step (not through h).</param>
    /// <param name="gates">The activations Forward left in its <c>gates</c>, <c>[rows, 4H]</c>.</param>
    /// <param name="cellPrev">c_prev, <c>[rows, H]</c>.</param>
    /// <param name="cell">c, <c>[rows, H]</c>.</param>
    /// <param name="rows">Rows to process.</param>
    /// <param name="hiddenSize">H.</param>
    public static void Backward(
        Span<float> gatesGrad, Span<float> cellPrevGrad, ReadOnlySpan<float> hiddenGrad, ReadOnlySpan<float> cellGrad,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> cell, int rows, int hiddenSize)
    {
        int h = hiddenSize;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> gr = gates.Slice(r * 4 * h, 4 * h);
            Span<float> dg = gatesGrad.Slice(r * 4 * h, 4 * h);
            int s = r * h;
            for (int j = 0; j < h; j++)
            {
                float i = gr[j], f = gr[h + j], g = gr[2 * h + j], o = gr[3 * h + j];
                float tc = MathF.Tanh(cell[s + j]);
                float dh = hiddenGrad[s + j];
                float dc = cellGrad[s + j] + dh * o * (1f - tc * tc);
                dg[j] = dc * g * i * (1f - i);
                dg[h + j] = dc * cellPrev[s + j] * f * (1f - f);
                dg[2 * h + j] = dc * i * (1f - g * g);
                dg[3 * h + j] = dh * tc * o * (1f - o);
                cellPrevGrad[s + j] = dc * f;
            }
        }
    }
}
