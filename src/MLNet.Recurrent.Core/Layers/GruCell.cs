using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// The elementwise step of a GRU, on pre-activations a caller has already formed with GEMMs. Rows of both gate
/// blocks hold three blocks of H in PyTorch's order <b>r, z, n</b>: input gates <c>x W_ih^T + b_ih</c> and hidden
/// gates <c>h_prev W_hh^T + b_hh</c> are kept apart because the reset gate scales only the hidden part of n:
/// <c>r = sigmoid(x_r + h_r)</c>, <c>z = sigmoid(x_z + h_z)</c>, <c>n = tanh(x_n + r * h_n)</c>,
/// <c>h = (1 - z) * n + z * h_prev</c>. A step-at-a-time decoder calls these directly around its own GEMMs.
/// </summary>
public static class GruCell
{
    /// <summary>Activates one step.</summary>
    /// <param name="hidden">h, <c>[rows, H]</c>: written; may be the same memory as <paramref name="hiddenPrev"/>.</param>
    /// <param name="hiddenN">h_n = <c>h_prev W_hn^T + b_hn</c>, <c>[rows, H]</c>: written, kept for Backward.</param>
    /// <param name="gates"><c>[rows, 3H]</c>: input pre-activations on entry; activations r, z, n on exit, kept for Backward.</param>
    /// <param name="hiddenGates">Hidden pre-activations <c>h_prev W_hh^T + b_hh</c>, <c>[rows, 3H]</c>.</param>
    /// <param name="hiddenPrev">h_prev, <c>[rows, H]</c>.</param>
    /// <param name="rows">Rows (batch entries) to process.</param>
    /// <param name="hiddenSize">H.</param>
    public static void Forward(
        Span<float> hidden, Span<float> hiddenN, Span<float> gates, ReadOnlySpan<float> hiddenGates, ReadOnlySpan<float> hiddenPrev,
        int rows, int hiddenSize)
    {
        int h = hiddenSize;
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = gates.Slice(r * 3 * h, 3 * h);
            ReadOnlySpan<float> hrow = hiddenGates.Slice(r * 3 * h, 3 * h);
            Span<float> rz = row[..(2 * h)], n = row.Slice(2 * h, h);
            TensorPrimitives.Add(rz, hrow[..(2 * h)], rz);
            TensorPrimitives.Sigmoid(rz, rz);
            Span<float> hn = hiddenN.Slice(r * h, h);
            hrow.Slice(2 * h, h).CopyTo(hn);
            TensorPrimitives.MultiplyAdd(row[..h], hn, n, n);
            TensorPrimitives.Tanh(n, n);
            // h = n + z * (h_prev - n), written in place when hidden and hiddenPrev are the same memory.
            Span<float> hr = hidden.Slice(r * h, h);
            TensorPrimitives.Subtract(hiddenPrev.Slice(r * h, h), n, hr);
            TensorPrimitives.MultiplyAdd(hr, row.Slice(h, h), n, hr);
        }
    }

    /// <summary>
    /// Back-propagates one step. The full gradient to h_prev is <c>hiddenPrevGrad + hiddenGatesGrad W_hh</c>; the
    /// GEMM is the caller's.
    /// </summary>
    /// <param name="gatesGrad">Gradient of the input pre-activations r, z, n, <c>[rows, 3H]</c>: written.</param>
    /// <param name="hiddenGatesGrad">Gradient of the hidden pre-activations r, z, n, <c>[rows, 3H]</c>: written.</param>
    /// <param name="hiddenPrevGrad">The direct part of dh_prev, <c>dh * z</c>, <c>[rows, H]</c>: written; may be the same memory as <paramref name="hiddenGrad"/>.</param>
    /// <param name="hiddenGrad">dh, <c>[rows, H]</c>: the total gradient reaching h.</param>
    /// <param name="gates">The activations Forward left in its <c>gates</c>, <c>[rows, 3H]</c>.</param>
    /// <param name="hiddenN">The h_n Forward wrote, <c>[rows, H]</c>.</param>
    /// <param name="hiddenPrev">h_prev, <c>[rows, H]</c>.</param>
    /// <param name="rows">Rows to process.</param>
    /// <param name="hiddenSize">H.</param>
    public static void Backward(
        Span<float> gatesGrad, Span<float> hiddenGatesGrad, Span<float> hiddenPrevGrad, ReadOnlySpan<float> hiddenGrad,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> hiddenPrev, int rows, int hiddenSize)
    {
        int h = hiddenSize;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> gr = gates.Slice(row * 3 * h, 3 * h);
            Span<float> dx = gatesGrad.Slice(row * 3 * h, 3 * h);
            Span<float> dhg = hiddenGatesGrad.Slice(row * 3 * h, 3 * h);
            int s = row * h;
            for (int j = 0; j < h; j++)
            {
                float r = gr[j], z = gr[h + j], n = gr[2 * h + j];
                float dh = hiddenGrad[s + j];
                float dnPre = dh * (1f - z) * (1f - n * n);
                float dzPre = dh * (hiddenPrev[s + j] - n) * z * (1f - z);
                float drPre = dnPre * hiddenN[s + j] * r * (1f - r);
                dx[j] = drPre;
                dx[h + j] = dzPre;
                dx[2 * h + j] = dnPre;
                dhg[j] = drPre;
                dhg[h + j] = dzPre;
                dhg[2 * h + j] = dnPre * r;
                hiddenPrevGrad[s + j] = dh * z;
            }
        }
    }
}
