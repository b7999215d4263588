using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    private readonly Tensor _dOd = new(0), _dPre = new(0);            // [T, B, H]
    private readonly Tensor _dCombined = new(0);                      // [T, B, 3H]
    private readonly Tensor _dGates = new(0), _dHiddenGates = new(0); // [T, B, G*H]
    private readonly Tensor _dX = new(0);                             // [B, E(+2H)] one step
    private readonly Tensor _dEmb = new(0);                           // [T, B, E]
    private readonly Tensor _dh = new(0), _dc = new(0);               // [B, H] running dh, dc
    private readonly Tensor _dCtxNext = new(0);                       // [B, 2H] from x_{t+1}
    private readonly Tensor _dCtx = new(0);                           // [B, 2H]
    private readonly Tensor _dq = new(0);                             // [B, A]
    private readonly Tensor _dAnnotations = new(0);                   // [S, B, 2H]
    private readonly Tensor _dKeys = new(0);                          // [S, B, A]
    private readonly Tensor _dBridge = new(0), _dBridgeCell = new(0); // [B, 2H]
    private readonly Tensor _dHidden0 = new(0);                       // [B, H]
    private readonly Tensor _dCondition = new(0);                     // [B, E] dp summed over the steps
    private readonly Tensor _dFinalHidden = new(0), _dFinalCell = new(0); // [2L, B, H]
    private readonly Tensor _dSrcDropped = new(0), _dSrcEmbedded = new(0); // [S, B, E]
    private float[] _scratch = [];

    /// <summary>
    /// Backpropagates the last <see cref="Forward"/>'s training objective (label-smoothed cross-entropy averaged over
    /// the targets that count) through time, accumulating (+=) into <c>Parameters.Gradients</c>. Tokens the decoder
    /// read from its own predictions are treated as constants, as in scheduled sampling.
    /// </summary>
    public void Backward()
    {
        var batch = _last ?? throw new InvalidOperationException("Backward was called before Forward.");
        int s = batch.SourceSteps, tSteps = batch.TargetSteps, b = batch.BatchSize, rows = tSteps * b;
        int h = _hidden, gh = _gates, e = _embedding, din = _decoderInput, d = _annotation, a = _attention, v = _vocabulary;
        LogitsGradient(batch.Targets);
        PackBackward();

        // Output layer and combination, all steps at once: they feed nothing later in time.
        OutputBackward(tSteps, b);
        TensorPrimitives.Multiply(_dOd.Span, _outMask.Span, _dOd.Span);
        _dPre.Resize(tSteps, b, h);
        // o = tanh(pre): dpre = do (1 - o^2)
        TensorPrimitives.Multiply(_o.Span, _o.Span, _dPre.Span);
        TensorPrimitives.Subtract(1f, _dPre.Span, _dPre.Span);
        TensorPrimitives.Multiply(_dPre.Span, _dOd.Span, _dPre.Span);
        _dCombined.Resize(tSteps, b, h + d);
        _combine.Backward(_dCombined, _dPre, _combined);

        _dGates.Resize(tSteps, b, gh);
        _dHiddenGates.Resize(_lstm ? 0 : tSteps, b, gh);
        _dEmb.Resize(tSteps, b, e);
        _dh.Resize(b, h);
        _dh.Clear();
        _dc.Resize(b, h);
        _dc.Clear();
        _dCtxNext.Resize(b, d);
        _dCtxNext.Clear();
        _dCtx.Resize(b, d);
        _dq.Resize(b, a);
        _dX.Resize(b, din);
        _dAnnotations.Resize(s, b, d);
        _dAnnotations.Clear();
        _dKeys.Resize(s, b, a);
        _dKeys.Clear();
        _dCondition.Resize(_conditionOffset > 0 ? b : 0, e);
        _dCondition.Clear();
        Span<float> dComb = _dCombined.Span, dh = _dh.Span, dc = _dc.Span, hs = _hs.Span, cs = _cs.Span;
        for (int t = tSteps - 1; t >= 0; t--)
        {
            // Rows whose target has ended before step t took no part in it: zero gradients for the all-rows products.
            int bt = _activeRows[t];
            ClearEndedGradients(t, b, bt);
            // dctx_t from the output path and from x_{t+1}; dh_t from the output path and from step t+1 (in _dh).
            for (int r = 0; r < bt; r++)
            {
                ReadOnlySpan<float> dcr = dComb.Slice((t * b + r) * (h + d), h + d);
                TensorPrimitives.Add(dh.Slice(r * h, h), dcr[..h], dh.Slice(r * h, h));
                TensorPrimitives.Add(_dCtxNext.Span.Slice(r * d, d), dcr[h..], _dCtx.Span.Slice(r * d, d));
            }
            AttendBackward(t, batch, hs.Slice((t + 1) * b * h, b * h), s, b, bt, dh);

            Span<float> dg = _dGates.Span.Slice(t * b * gh, bt * gh);
            ReadOnlySpan<float> hPrev = hs.Slice(t * b * h, bt * h);
            if (_lstm)
            {
                LstmCell.Backward(dg, dc, dh, dc, _gatesT.Span.Slice(t * b * gh, bt * gh), cs.Slice(t * b * h, bt * h), cs.Slice((t + 1) * b * h, bt * h), bt, h);
                Product(true, _packedHhBackward, false, bt, h, gh, dg, gh, _weightHh.Value, h, 0f, dh, h);
            }
            else
            {
                Span<float> dhg = _dHiddenGates.Span.Slice(t * b * gh, bt * gh);
                GruCell.Backward(dg, dhg, dh, dh, _gatesT.Span.Slice(t * b * gh, bt * gh), _hiddenNT.Span.Slice(t * b * h, bt * h), hPrev, bt, h);
                Product(true, _packedHhBackward, false, bt, h, gh, dhg, gh, _weightHh.Value, h, 1f, dh, h);
            }
            // dx_t = dgates W_ih: the embedding part (through its dropout mask) and the fed-back context part.
            Product(true, _packedIhBackward, false, bt, din, gh, dg, gh, _weightIh.Value, din, 0f, _dX.Span, din);
            for (int r = 0; r < bt; r++)
            {
                int row = t * b + r;
                TensorPrimitives.Multiply(_dX.Span.Slice(r * din, e), _embMask.Span.Slice(row * e, e), _dEmb.Span.Slice(row * e, e));
                if (Options.InputFeeding) _dX.Span.Slice(r * din + e, d).CopyTo(_dCtxNext.Span.Slice(r * d, d));
                if (_conditionOffset > 0)
                {
                    Span<float> dp = _dCondition.Span.Slice(r * e, e);
                    TensorPrimitives.Add(dp, _dX.Span.Slice(r * din + _conditionOffset, e), dp);
                }
            }
        }

        // Weight gradients of the cell over all steps at once.
        Gemm.Multiply(true, false, gh, din, rows, 1f, _dGates.Span, gh, _x.Span, din, 1f, _weightIh.Gradient, din);
        ReadOnlySpan<float> dHidden = _lstm ? _dGates.Span : _dHiddenGates.Span;
        Gemm.Multiply(true, false, gh, h, rows, 1f, dHidden, gh, hs[..(rows * h)], h, 1f, _weightHh.Gradient, h);
        ColumnSums(_dGates.Span, rows, gh, _biasIh.Gradient);
        ColumnSums(dHidden, rows, gh, _biasHh.Gradient);
        _targetEmbedding.Backward(_dEmb, _inputTokens.AsSpan(0, rows));

        BridgeBackward(b);
        if (_keys is not null)
        {
            // Keys: K = enc W_k^T + b_k.
            _keys.Backward(_dSrcDropped, _dKeys, _annotations);
            TensorPrimitives.Add(_dAnnotations.Span, _dSrcDropped.Span[..(s * b * d)], _dAnnotations.Span);
        }
        else
        {
            // Dot: k_j = enc_j^fwd + enc_j^bwd, so both halves receive dk_j.
            Span<float> dEnc = _dAnnotations.Span;
            ReadOnlySpan<float> dk = _dKeys.Span;
            for (int cell = 0; cell < s * b; cell++)
            {
                TensorPrimitives.Add(dEnc.Slice(cell * d, h), dk.Slice(cell * h, h), dEnc.Slice(cell * d, h));
                TensorPrimitives.Add(dEnc.Slice(cell * d + h, h), dk.Slice(cell * h, h), dEnc.Slice(cell * d + h, h));
            }
        }
        _encoder.Backward(_dSrcDropped, null, null, null, _dAnnotations, _dFinalHidden, _lstm ? _dFinalCell : null);
        if (_conditionOffset > 0)
        {
            // p = mean_j dropout(src_proj(v_j)): each of the row's vectors receives dp / T_v.
            ReadOnlySpan<int> lengths = batch.SourceLengths;
            Span<float> dDropped = _dSrcDropped.Span;
            for (int r = 0; r < b; r++)
                for (int j = 0; j < lengths[r]; j++)
                {
                    Span<float> dj = dDropped.Slice((j * b + r) * e, e);
                    TensorPrimitives.MultiplyAdd(_dCondition.Span.Slice(r * e, e), 1f / lengths[r], dj, dj);
                }
        }
        _dSrcEmbedded.Resize(s, b, e);
        _sourceDropout.Backward(_dSrcEmbedded, _dSrcDropped);
        if (_sourceProjection is not null) _sourceProjection.Backward(null, _dSrcEmbedded, _srcVectors);
        else _sourceEmbedding!.Backward(_dSrcEmbedded, batch.Source);
    }

    /// <summary>dh_0, dc_0 (in _dh, _dc) through the bridge into the encoder's top-layer final-state gradients.</summary>
    private void BridgeBackward(int b)
    {
        int h = _hidden, layers = Options.EncoderLayers, top = (layers - 1) * 2;
        // h_0 = tanh(pre): dpre = dh_0 (1 - h_0^2)
        _dHidden0.Resize(b, h);
        TensorPrimitives.Multiply(_hidden0.Span, _hidden0.Span, _dHidden0.Span);
        TensorPrimitives.Subtract(1f, _dHidden0.Span, _dHidden0.Span);
        TensorPrimitives.Multiply(_dHidden0.Span, _dh.Span, _dHidden0.Span);
        _initHidden.Backward(_dBridge, _dHidden0, _bridgeHidden);
        _dFinalHidden.Resize(2 * layers, b, h);
        _dFinalHidden.Clear();
        _dFinalCell.Resize(2 * layers, b, h);
        _dFinalCell.Clear();
        if (_lstm) _initCell.Backward(_dBridgeCell, _dc, _bridgeCell);
        for (int r = 0; r < b; r++)
            for (int dir = 0; dir < 2; dir++)
            {
                _dBridge.Span.Slice(r * _annotation + dir * h, h).CopyTo(_dFinalHidden.Span.Slice(((top + dir) * b + r) * h, h));
                if (_lstm) _dBridgeCell.Span.Slice(r * _annotation + dir * h, h).CopyTo(_dFinalCell.Span.Slice(((top + dir) * b + r) * h, h));
            }
    }

    /// <summary>
    /// Backward of step t's attention given dctx_t (in _dCtx): accumulates into dh_t (<paramref name="dh"/>),
    /// d enc (values), d keys and the score's weights.
    /// </summary>
    private void AttendBackward(int t, Seq2SeqBatch batch, ReadOnlySpan<float> hidden, int s, int b, int bt, Span<float> dh)
    {
        int h = _hidden, d = _annotation, a = _attention;
        bool additive = Options.Attention == AttentionStyle.Additive;
        if (_scratch.Length < s + a) _scratch = new float[s + a];
        ReadOnlySpan<float> enc = _annotations.Span, keys = _keysT.Span, v = additive ? _score!.Weight.Value : default;
        Span<float> dEnc = _dAnnotations.Span, dKeys = _dKeys.Span, dv = additive ? _score!.Weight.Gradient : default, dq = _dq.Span;
        ReadOnlySpan<int> lengths = batch.SourceLengths;
        dq.Clear();
        for (int r = 0; r < bt; r++)
        {
            int length = lengths[r];
            ReadOnlySpan<float> w = _attWeights.Span.Slice((t * b + r) * s, length);
            ReadOnlySpan<float> dctx = _dCtx.Span.Slice(r * d, d);
            Span<float> de = _scratch.AsSpan(0, length);
            // ctx = sum_j a_j enc_j: da_j = dctx . enc_j; d enc_j += a_j dctx
            for (int j = 0; j < length; j++)
            {
                Span<float> dEncJ = dEnc.Slice((j * b + r) * d, d);
                de[j] = TensorPrimitives.Dot(dctx, enc.Slice((j * b + r) * d, d));
                TensorPrimitives.MultiplyAdd(dctx, w[j], dEncJ, dEncJ);
            }
            // softmax: de_j = a_j (da_j - sum_k a_k da_k)
            float dot = TensorPrimitives.Dot(w, de);
            TensorPrimitives.Subtract(de, dot, de);
            TensorPrimitives.Multiply(de, w, de);
            if (additive)
            {
                Span<float> pre = _scratch.AsSpan(s, a);
                Span<float> dqr = dq.Slice(r * a, a);
                for (int j = 0; j < length; j++)
                {
                    // e = v . u, u = tanh(q + k): dv += de u; dpre = de v (1 - u^2) reaches q and k alike
                    ReadOnlySpan<float> u = _squashed.Span.Slice(((t * b + r) * s + j) * a, a);
                    TensorPrimitives.MultiplyAdd(u, de[j], dv, dv);
                    TensorPrimitives.Multiply(u, u, pre);
                    TensorPrimitives.Subtract(1f, pre, pre);
                    TensorPrimitives.Multiply(pre, v, pre);
                    TensorPrimitives.Multiply(pre, de[j], pre);
                    TensorPrimitives.Add(dqr, pre, dqr);
                    Span<float> dk = dKeys.Slice((j * b + r) * a, a);
                    TensorPrimitives.Add(dk, pre, dk);
                }
            }
            else
            {
                // e = h . k_j: dh += de_j k_j; dk_j += de_j h
                Span<float> dhr = dh.Slice(r * h, h);
                ReadOnlySpan<float> hr = hidden.Slice(r * h, h);
                for (int j = 0; j < length; j++)
                {
                    TensorPrimitives.MultiplyAdd(keys.Slice((j * b + r) * a, a), de[j], dhr, dhr);
                    Span<float> dk = dKeys.Slice((j * b + r) * a, a);
                    TensorPrimitives.MultiplyAdd(hr, de[j], dk, dk);
                }
            }
        }
        if (!additive) return;
        // q = h W_q^T: dh += dq W_q; dW_q += dq^T h
        Product(true, _packedQueryBackward, false, bt, h, a, dq, a, _query!.Weight.Value, h, 1f, dh, h);
        Gemm.Multiply(true, false, a, h, bt, 1f, dq, a, hidden, h, 1f, _query.Weight.Gradient, h);
    }

    /// <summary>dlogits = ((p - (1 - eps) onehot(y) - eps / V) / count) on the selected rows that count, 0 elsewhere.</summary>
    private void LogitsGradient(ReadOnlySpan<int> targets)
    {
        int v = _vocabulary, n = _outputRowCount;
        float eps = Options.LabelSmoothing;
        _dLogitsRows.Resize(_logitsRows.Shape);
        Span<float> g = _dLogitsRows.Span;
        ReadOnlySpan<float> z = _logitsRows.Span;
        float scale = _count > 0 ? 1f / _count : 0f;
        for (int i = 0; i < n; i++)
        {
            Span<float> gr = g.Slice(i * v, v);
            int y = targets[_outputRows[i]];
            if (y == Seq2SeqBatch.IgnoreTarget || scale == 0)
            {
                gr.Clear();
                continue;
            }
            TensorPrimitives.Subtract(z.Slice(i * v, v), (float)_logSumExp[i], gr);
            TensorPrimitives.Exp(gr, gr);
            if (eps > 0) TensorPrimitives.Subtract(gr, eps / v, gr);
            gr[y] -= 1f - eps;
            TensorPrimitives.Multiply(gr, scale, gr);
        }
    }

    private static void ColumnSums(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums)
    {
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sums, matrix.Slice(r * columns, columns), sums);
    }
}
