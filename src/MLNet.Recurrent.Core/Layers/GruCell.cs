using System.Numerics;
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
        int rows, int hiddenSize) =>
        ForwardUnits(hidden, hiddenN, gates, hiddenGates, hiddenPrev, 0, rows, 0, hiddenSize, hiddenSize);

    /// <summary>
    /// <see cref="Forward"/> for rows [<paramref name="row0"/>, <paramref name="row1"/>) and hidden units
    /// [<paramref name="unit0"/>, <paramref name="unit1"/>) only, the part of a step one task of the fused recurrent
    /// step owns. A whole row makes exactly the calls <see cref="Forward"/> always made; a part of a row makes the same
    /// TensorPrimitives calls on sub-spans (r and z apart), which gives the same bits when every sub-span is at least
    /// one full vector of the widest accelerated width (TensorPrimitives then runs every element through the same
    /// vector algorithm, the last vector overlapping). The fused step's blocks are whole GEMM panels (16 or 32 units).
    /// </summary>
    internal static void ForwardUnits(
        Span<float> hidden, Span<float> hiddenN, Span<float> gates, ReadOnlySpan<float> hiddenGates, ReadOnlySpan<float> hiddenPrev,
        int row0, int row1, int unit0, int unit1, int hiddenSize)
    {
        int h = hiddenSize, len = unit1 - unit0;
        for (int r = row0; r < row1; r++)
        {
            Span<float> row = gates.Slice(r * 3 * h, 3 * h);
            ReadOnlySpan<float> hrow = hiddenGates.Slice(r * 3 * h, 3 * h);
            Span<float> rg = row.Slice(unit0, len), zg = row.Slice(h + unit0, len), n = row.Slice(2 * h + unit0, len);
            if (len == h)
            {
                Span<float> rz = row[..(2 * h)];
                TensorPrimitives.Add(rz, hrow[..(2 * h)], rz);
                TensorPrimitives.Sigmoid(rz, rz);
            }
            else
            {
                TensorPrimitives.Add(rg, hrow.Slice(unit0, len), rg);
                TensorPrimitives.Add(zg, hrow.Slice(h + unit0, len), zg);
                TensorPrimitives.Sigmoid(rg, rg);
                TensorPrimitives.Sigmoid(zg, zg);
            }
            Span<float> hn = hiddenN.Slice(r * h + unit0, len);
            hrow.Slice(2 * h + unit0, len).CopyTo(hn);
            TensorPrimitives.MultiplyAdd(rg, hn, n, n);
            TensorPrimitives.Tanh(n, n);
            // h = n + z * (h_prev - n), written in place when hidden and hiddenPrev are the same memory.
            Span<float> hr = hidden.Slice(r * h + unit0, len);
            TensorPrimitives.Subtract(hiddenPrev.Slice(r * h + unit0, len), n, hr);
            TensorPrimitives.MultiplyAdd(hr, zg, n, hr);
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
            BackwardRow(dx[..h], dx.Slice(h, h), dx.Slice(2 * h, h), dhg[..h], dhg.Slice(h, h), dhg.Slice(2 * h, h),
                hiddenPrevGrad.Slice(s, h), hiddenGrad.Slice(s, h), gr[..h], gr.Slice(h, h), gr.Slice(2 * h, h),
                hiddenN.Slice(s, h), hiddenPrev.Slice(s, h));
        }
    }

    /// <summary>
    /// One row: <c>dn' = dh (1 - z) (1 - n^2)</c>; <c>dz' = dh (h_prev - n) z (1 - z)</c>;
    /// <c>dr' = dn' h_n r (1 - r)</c>; input gradients (dr', dz', dn'), hidden ones (dr', dz', dn' r); <c>dh_prev = dh z</c>.
    /// <paramref name="hiddenPrevGrad"/> may alias <paramref name="hiddenGrad"/>.
    /// </summary>
    private static void BackwardRow(
        Span<float> dxr, Span<float> dxz, Span<float> dxn, Span<float> dhr, Span<float> dhz, Span<float> dhn, Span<float> hiddenPrevGrad,
        ReadOnlySpan<float> hiddenGrad, ReadOnlySpan<float> rGate, ReadOnlySpan<float> zGate, ReadOnlySpan<float> nGate,
        ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> hiddenPrev)
    {
        int n = hiddenGrad.Length, j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            var one = Vector<float>.One;
            for (; j <= n - w; j += w)
            {
                var r = new Vector<float>(rGate[j..]);
                var z = new Vector<float>(zGate[j..]);
                var nn = new Vector<float>(nGate[j..]);
                var dh = new Vector<float>(hiddenGrad[j..]);
                var dnPre = dh * (one - z) * (one - nn * nn);
                var dzPre = dh * (new Vector<float>(hiddenPrev[j..]) - nn) * z * (one - z);
                var drPre = dnPre * new Vector<float>(hiddenN[j..]) * r * (one - r);
                drPre.CopyTo(dxr[j..]);
                dzPre.CopyTo(dxz[j..]);
                dnPre.CopyTo(dxn[j..]);
                drPre.CopyTo(dhr[j..]);
                dzPre.CopyTo(dhz[j..]);
                (dnPre * r).CopyTo(dhn[j..]);
                (dh * z).CopyTo(hiddenPrevGrad[j..]);
            }
        }
        for (; j < n; j++)
        {
            float r = rGate[j], z = zGate[j], nn = nGate[j], dh = hiddenGrad[j];
            float dnPre = dh * (1f - z) * (1f - nn * nn);
            float dzPre = dh * (hiddenPrev[j] - nn) * z * (1f - z);
            float drPre = dnPre * hiddenN[j] * r * (1f - r);
            dxr[j] = drPre;
            dxz[j] = dzPre;
            dxn[j] = dnPre;
            dhr[j] = drPre;
            dhz[j] = dzPre;
            dhn[j] = dnPre * r;
            hiddenPrevGrad[j] = dh * z;
        }
    }
}
