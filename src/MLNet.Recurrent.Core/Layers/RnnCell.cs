using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// The elementwise step of an Elman RNN, on pre-activations a caller has already formed with GEMMs:
/// <c>a = x W_ih^T + b_ih + h_prev W_hh^T + b_hh</c>, then <c>h = tanh(a)</c> or <c>h = relu(a)</c>.
/// Rows are independent; a step-at-a-time decoder calls these directly around its own GEMMs.
/// </summary>
public static class RnnCell
{
    /// <summary>Activates one step.</summary>
    /// <param name="hidden">h, <c>[rows, H]</c>: written.</param>
    /// <param name="gates">a, <c>[rows, H]</c>: pre-activations on entry, activations (equal to h) on exit, kept for Backward.</param>
    /// <param name="rows">Rows (batch entries) to process.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="relu">Whether the nonlinearity is relu rather than tanh.</param>
    public static void Forward(Span<float> hidden, Span<float> gates, int rows, int hiddenSize, bool relu)
    {
        int n = rows * hiddenSize;
        Span<float> a = gates[..n];
        if (relu) TensorPrimitives.Max(a, 0f, a);
        else TensorPrimitives.Tanh(a, a);
        a.CopyTo(hidden);
    }

    /// <summary>
    /// <see cref="Forward"/> for rows [<paramref name="row0"/>, <paramref name="row1"/>) and hidden units
    /// [<paramref name="unit0"/>, <paramref name="unit1"/>) only, the part of a step one task of the fused recurrent step
    /// owns: the same TensorPrimitives call on each row's sub-span, which gives the bits of the whole-span call when the
    /// sub-span is whole GEMM panels (see <see cref="LstmCell.ForwardUnits"/>).
    /// </summary>
    internal static void ForwardUnits(Span<float> hidden, Span<float> gates, int row0, int row1, int unit0, int unit1, int hiddenSize, bool relu)
    {
        int h = hiddenSize, len = unit1 - unit0;
        for (int r = row0; r < row1; r++)
        {
            Span<float> a = gates.Slice(r * h + unit0, len);
            if (relu) TensorPrimitives.Max(a, 0f, a);
            else TensorPrimitives.Tanh(a, a);
            a.CopyTo(hidden.Slice(r * h + unit0, len));
        }
    }

    /// <summary>Back-propagates one step: <c>da = dh * tanh'(a)</c> (<c>1 - h^2</c>) or <c>dh * [h &gt; 0]</c>.</summary>
    /// <param name="gatesGrad">da, <c>[rows, H]</c>: written (overwritten).</param>
    /// <param name="hiddenGrad">dh, <c>[rows, H]</c>: the total gradient reaching h (output and next step).</param>
    /// <param name="gates">The activations Forward left in its <c>gates</c>, <c>[rows, H]</c>.</param>
    /// <param name="rows">Rows to process.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="relu">Whether the nonlinearity is relu rather than tanh.</param>
    public static void Backward(Span<float> gatesGrad, ReadOnlySpan<float> hiddenGrad, ReadOnlySpan<float> gates, int rows, int hiddenSize, bool relu)
    {
        int n = rows * hiddenSize;
        gatesGrad = gatesGrad[..n];
        hiddenGrad = hiddenGrad[..n];
        gates = gates[..n];
        if (relu)
        {
            for (int i = 0; i < n; i++) gatesGrad[i] = gates[i] > 0f ? hiddenGrad[i] : 0f;
            return;
        }
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            for (; j <= n - w; j += w)
            {
                var h = new Vector<float>(gates[j..]);
                (new Vector<float>(hiddenGrad[j..]) * (Vector<float>.One - h * h)).CopyTo(gatesGrad[j..]);
            }
        }
        for (; j < n; j++)
        {
            float h = gates[j];
            gatesGrad[j] = hiddenGrad[j] * (1f - h * h);
        }
    }
}
