using System.Numerics;
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
    public static void Forward(Span<float> hidden, Span<float> cell, Span<float> gates, ReadOnlySpan<float> cellPrev, int rows, int hiddenSize) =>
        ForwardUnits(hidden, cell, gates, cellPrev, 0, rows, 0, hiddenSize, hiddenSize);

    /// <summary>
    /// <see cref="Forward"/> for rows [<paramref name="row0"/>, <paramref name="row1"/>) and hidden units
    /// [<paramref name="unit0"/>, <paramref name="unit1"/>) only, the part of a step one task of the fused recurrent
    /// step owns. A whole row makes exactly the calls <see cref="Forward"/> always made; a part of a row makes the same
    /// TensorPrimitives calls on sub-spans (i and f apart), which gives the same bits when every sub-span is at least
    /// one full vector of the widest accelerated width (TensorPrimitives then runs every element through the same
    /// vector algorithm, the last vector overlapping). The fused step's blocks are whole GEMM panels (16 or 32 units).
    /// </summary>
    internal static void ForwardUnits(
        Span<float> hidden, Span<float> cell, Span<float> gates, ReadOnlySpan<float> cellPrev,
        int row0, int row1, int unit0, int unit1, int hiddenSize)
    {
        int h = hiddenSize, len = unit1 - unit0;
        for (int r = row0; r < row1; r++)
        {
            Span<float> row = gates.Slice(r * 4 * h, 4 * h);
            Span<float> i = row.Slice(unit0, len), f = row.Slice(h + unit0, len), g = row.Slice(2 * h + unit0, len), o = row.Slice(3 * h + unit0, len);
            if (len == h)
            {
                TensorPrimitives.Sigmoid(row[..(2 * h)], row[..(2 * h)]);
            }
            else
            {
                TensorPrimitives.Sigmoid(i, i);
                TensorPrimitives.Sigmoid(f, f);
            }
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);
            Span<float> c = cell.Slice(r * h + unit0, len);
            TensorPrimitives.Multiply(f, cellPrev.Slice(r * h + unit0, len), c);
            TensorPrimitives.MultiplyAdd(i, g, c, c);
            Span<float> hr = hidden.Slice(r * h + unit0, len);
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
        Span<float> tanhCell = stackalloc float[Chunk];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> gr = gates.Slice(r * 4 * h, 4 * h);
            Span<float> dg = gatesGrad.Slice(r * 4 * h, 4 * h);
            int s = r * h;
            for (int j0 = 0; j0 < h; j0 += Chunk)
            {
                int len = Math.Min(Chunk, h - j0);
                TensorPrimitives.Tanh(cell.Slice(s + j0, len), tanhCell);
                BackwardChunk(
                    dg.Slice(j0, len), dg.Slice(h + j0, len), dg.Slice(2 * h + j0, len), dg.Slice(3 * h + j0, len),
                    cellPrevGrad.Slice(s + j0, len), hiddenGrad.Slice(s + j0, len), cellGrad.Slice(s + j0, len),
                    gr.Slice(j0, len), gr.Slice(h + j0, len), gr.Slice(2 * h + j0, len), gr.Slice(3 * h + j0, len),
                    cellPrev.Slice(s + j0, len), tanhCell[..len]);
            }
        }
    }

    // Columns per pass: tanh(c) of one chunk lives on the stack.
    private const int Chunk = 256;

    /// <summary>
    /// One chunk of one row: <c>dc = dc_next + dh o (1 - tanh(c)^2)</c>; <c>di = dc g i (1 - i)</c>;
    /// <c>df = dc c_prev f (1 - f)</c>; <c>dg = dc i (1 - g^2)</c>; <c>do = dh tanh(c) o (1 - o)</c>; <c>dc_prev = dc f</c>.
    /// <paramref name="cellPrevGrad"/> may alias <paramref name="cellGrad"/> (each element is read before it is written).
    /// </summary>
    private static void BackwardChunk(
        Span<float> di, Span<float> df, Span<float> dgg, Span<float> dout, Span<float> cellPrevGrad,
        ReadOnlySpan<float> hiddenGrad, ReadOnlySpan<float> cellGrad,
        ReadOnlySpan<float> iGate, ReadOnlySpan<float> fGate, ReadOnlySpan<float> gGate, ReadOnlySpan<float> oGate,
        ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> tanhCell)
    {
        int n = tanhCell.Length, j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            var one = Vector<float>.One;
            for (; j <= n - w; j += w)
            {
                var i = new Vector<float>(iGate[j..]);
                var f = new Vector<float>(fGate[j..]);
                var g = new Vector<float>(gGate[j..]);
                var o = new Vector<float>(oGate[j..]);
                var tc = new Vector<float>(tanhCell[j..]);
                var dh = new Vector<float>(hiddenGrad[j..]);
                var dc = new Vector<float>(cellGrad[j..]) + dh * o * (one - tc * tc);
                (dc * g * i * (one - i)).CopyTo(di[j..]);
                (dc * new Vector<float>(cellPrev[j..]) * f * (one - f)).CopyTo(df[j..]);
                (dc * i * (one - g * g)).CopyTo(dgg[j..]);
                (dh * tc * o * (one - o)).CopyTo(dout[j..]);
                (dc * f).CopyTo(cellPrevGrad[j..]);
            }
        }
        for (; j < n; j++)
        {
            float i = iGate[j], f = fGate[j], g = gGate[j], o = oGate[j], tc = tanhCell[j], dh = hiddenGrad[j];
            float dc = cellGrad[j] + dh * o * (1f - tc * tc);
            di[j] = dc * g * i * (1f - i);
            df[j] = dc * cellPrev[j] * f * (1f - f);
            dgg[j] = dc * i * (1f - g * g);
            dout[j] = dh * tc * o * (1f - o);
            cellPrevGrad[j] = dc * f;
        }
    }
}
