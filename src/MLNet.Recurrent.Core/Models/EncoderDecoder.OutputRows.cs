using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    // The output layer (o W_out^T + b over the target vocabulary, the largest product of a pass) runs only on the rows
    // [T * B] whose target counts: a batch's padding after each shorter target (a large share of the rows of a shuffled
    // batch of English-Spanish pairs) costs no logits, softmax or gradient. Each kept row's logits and input gradient
    // are the bits the all-rows product gives (a row's result depends on that row alone), and W_out's gradient sums the
    // kept rows in the k blocks of the all-rows product (below), so the results are the same bits (tested).
    private int[] _outputRows = [];                      // [n] row indices t * B + r, ascending
    private int _outputRowCount;                         // n
    private readonly Tensor _odRows = new(0);            // [n, H] the output layer's input rows
    private readonly Tensor _logitsRows = new(0);        // [n, V]
    private readonly Tensor _stepLogits = new(0);        // [B, V] one step's logits when the decoder samples its inputs
    private readonly Tensor _dLogitsRows = new(0);       // [n, V]
    private readonly Tensor _dOdRows = new(0);           // [n, H]

    /// <summary>Test switch: when set, the output layer runs on every row, padding included (the path before row selection).</summary>
    internal static bool OutputOnEveryRow { get; set; }

    /// <summary>Lists the rows the output layer computes: those whose target counts, or all of them under the test switch.</summary>
    private void SelectOutputRows(ReadOnlySpan<int> targets, int rows)
    {
        if (_outputRows.Length < rows) _outputRows = new int[rows];
        int n = 0;
        bool every = OutputOnEveryRow;
        for (int i = 0; i < rows; i++)
        {
            if (every || targets[i] != Seq2SeqBatch.IgnoreTarget) _outputRows[n++] = i;
        }
        _outputRowCount = n;
        _odRows.Resize(n, _hidden);
        _logitsRows.Resize(n, _vocabulary);
    }

    /// <summary>Copies the selected rows of od [T * B, H] into the output layer's input [n, H].</summary>
    private void GatherOutputInput()
    {
        int h = _hidden;
        ReadOnlySpan<float> od = _od.Span;
        Span<float> rows = _odRows.Span;
        for (int q = 0; q < _outputRowCount; q++) od.Slice(_outputRows[q] * h, h).CopyTo(rows.Slice(q * h, h));
    }

    /// <summary>
    /// Copies the logits of step <paramref name="t"/>'s selected rows from <see cref="_stepLogits"/> (the sampling
    /// path computes a whole step for its next inputs) to their places in the selected rows' logits.
    /// </summary>
    /// <param name="t">The step.</param>
    /// <param name="b">B.</param>
    /// <param name="next">The first selected row not yet copied; returned past this step's rows.</param>
    private int CopyStepLogits(int t, int b, int next)
    {
        int v = _vocabulary;
        ReadOnlySpan<float> step = _stepLogits.Span;
        Span<float> logits = _logitsRows.Span;
        for (; next < _outputRowCount && _outputRows[next] < (t + 1) * b; next++)
            step.Slice((_outputRows[next] - t * b) * v, v).CopyTo(logits.Slice(next * v, v));
        return next;
    }

    /// <summary>
    /// The output layer's backward pass on the selected rows: dod (all T * B rows, 0 on the others) = dlogits W_out,
    /// dW_out += dlogits^T od, db_out += column sums of dlogits.
    /// </summary>
    /// <param name="tSteps">T.</param>
    /// <param name="b">B.</param>
    private void OutputBackward(int tSteps, int b)
    {
        int n = _outputRowCount, h = _hidden, v = _vocabulary, rows = tSteps * b;
        _dOd.Resize(tSteps, b, h);
        if (OutputOnEveryRow)
        {
            _output.Backward(_dOd, _dLogitsRows, _odRows);
            return;
        }
        ReadOnlySpan<float> dz = _dLogitsRows.Span, od = _odRows.Span;
        _dOdRows.Resize(n, h);
        Gemm.Multiply(false, false, n, h, v, 1f, dz, v, _output.Weight.Value, h, 0f, _dOdRows.Span, h);
        Span<float> dOd = _dOd.Span;
        dOd.Clear();
        ReadOnlySpan<float> dRows = _dOdRows.Span;
        for (int q = 0; q < n; q++) dRows.Slice(q * h, h).CopyTo(dOd.Slice(_outputRows[q] * h, h));

        // The all-rows product dlogits^T od (k = T * B) sums each k block of rows from zero and adds it to the
        // gradient; a padding row's dlogits is 0 and adds exactly nothing. One product per block of that product,
        // over the block's selected rows (one k block each, being no longer), gives the same sums.
        int kc = GemmPacking.KcFor(rows), q0 = 0;
        Span<float> dw = _output.Weight.Gradient;
        for (int p0 = 0; p0 < rows; p0 += kc)
        {
            int q1 = q0;
            while (q1 < n && _outputRows[q1] < p0 + kc) q1++;
            if (q1 > q0) Gemm.Multiply(true, false, v, h, q1 - q0, 1f, dz.Slice(q0 * v), v, od.Slice(q0 * h), h, 1f, dw, h);
            q0 = q1;
        }
        ColumnSums(dz, n, v, _output.Bias!.Gradient);
    }
}
