using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    // The pieces of one decoder step, shared by training (which keeps every step's values for backward) and by
    // decoding (which keeps only the current ones), so both compute the same numbers.

    /// <summary>
    /// The decoder cell: LSTM <c>gates = b_ih + b_hh + x W_ih^T + h_prev W_hh^T</c>, then the i, f, g, o step;
    /// GRU <c>gates = b_ih + x W_ih^T</c>, <c>hiddenGates = b_hh + h_prev W_hh^T</c>, then the r, z, n step.
    /// </summary>
    /// <param name="x">x_t [B, E(+2H)].</param>
    /// <param name="hiddenPrev">h_{t-1} [B, H].</param>
    /// <param name="cellPrev">LSTM c_{t-1} [B, H]; empty for GRU.</param>
    /// <param name="gates">[B, G*H]: written with the activations.</param>
    /// <param name="hiddenGates">GRU [B, 3H]: written; empty for LSTM.</param>
    /// <param name="hiddenN">GRU [B, H]: written; empty for LSTM.</param>
    /// <param name="hidden">h_t [B, H]: written.</param>
    /// <param name="cell">LSTM c_t [B, H]: written.</param>
    /// <param name="batch">B.</param>
    /// <param name="packed">Whether the pass packed the weights beforehand (a training or scoring pass); decoding packs in each product.</param>
    internal void CellForward(ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, ReadOnlySpan<float> cellPrev,
        Span<float> gates, Span<float> hiddenGates, Span<float> hiddenN, Span<float> hidden, Span<float> cell, int batch, bool packed = false)
    {
        int gh = _gates, h = _hidden, din = _decoderInput;
        ReadOnlySpan<float> bi = _biasIh.Value, bh = _biasHh.Value;
        for (int r = 0; r < batch; r++)
        {
            if (_lstm) TensorPrimitives.Add(bi, bh, gates.Slice(r * gh, gh));
            else
            {
                bi.CopyTo(gates.Slice(r * gh, gh));
                bh.CopyTo(hiddenGates.Slice(r * gh, gh));
            }
        }
        Product(packed, _packedIh, true, batch, gh, din, x, din, _weightIh.Value, din, 1f, gates, gh);
        if (_lstm)
        {
            Product(packed, _packedHh, true, batch, gh, h, hiddenPrev, h, _weightHh.Value, h, 1f, gates, gh);
            LstmCell.Forward(hidden, cell, gates, cellPrev, batch, h);
        }
        else
        {
            Product(packed, _packedHh, true, batch, gh, h, hiddenPrev, h, _weightHh.Value, h, 1f, hiddenGates, gh);
            GruCell.Forward(hidden, hiddenN, gates, hiddenGates, hiddenPrev, batch, h);
        }
    }

    /// <summary>
    /// Attention of one step: scores against every annotation within each row's length, softmax, context.
    /// </summary>
    /// <param name="hidden">h_t [B, H].</param>
    /// <param name="annotations">enc [S, B, 2H], time-major.</param>
    /// <param name="keys">W_k enc + b_k [S, B, A].</param>
    /// <param name="lengths">[B] source lengths, 1..S.</param>
    /// <param name="steps">S.</param>
    /// <param name="batch">B.</param>
    /// <param name="projectedQuery">Additive: W_q h_t [B, A], written; empty for the general score.</param>
    /// <param name="squashed">Additive: tanh(W_q h_t + K_j) [B, S, A], written; empty for the general score.</param>
    /// <param name="weights">a_t [B, S]: written (0 past a row's length).</param>
    /// <param name="context">ctx_t [B, 2H]: written.</param>
    /// <param name="packed">Whether the pass packed the weights beforehand (a training or scoring pass); decoding packs in each product.</param>
    /// <param name="rows">The first rows to compute (a training step's rows whose target has not ended); all B by default.</param>
    internal void AttendForward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> annotations, ReadOnlySpan<float> keys,
        ReadOnlySpan<int> lengths, int steps, int batch, Span<float> projectedQuery, Span<float> squashed, Span<float> weights, Span<float> context,
        bool packed = false, int rows = -1)
    {
        int a = _attention, h = _hidden, d = _annotation;
        if (rows < 0) rows = batch;
        bool additive = Options.Attention == AttentionStyle.Additive;
        if (additive) Product(packed, _packedQuery, true, rows, a, h, hidden, h, _query!.Weight.Value, h, 0f, projectedQuery, a);
        ReadOnlySpan<float> v = additive ? _score!.Weight.Value : default;
        for (int b = 0; b < rows; b++)
        {
            Span<float> row = weights.Slice(b * steps, steps);
            int length = lengths[b];
            row.Clear();
            for (int j = 0; j < length; j++)
            {
                ReadOnlySpan<float> key = keys.Slice((j * batch + b) * a, a);
                if (additive)
                {
                    Span<float> u = squashed.Slice((b * steps + j) * a, a);
                    TensorPrimitives.Add(projectedQuery.Slice(b * a, a), key, u);
                    TensorPrimitives.Tanh(u, u);
                    row[j] = TensorPrimitives.Dot(v, u);
                }
                else row[j] = TensorPrimitives.Dot(hidden.Slice(b * h, h), key);
            }
            TensorPrimitives.SoftMax(row[..length], row[..length]);
            Span<float> ctx = context.Slice(b * d, d);
            ctx.Clear();
            for (int j = 0; j < length; j++)
                TensorPrimitives.MultiplyAdd(annotations.Slice((j * batch + b) * d, d), row[j], ctx, ctx);
        }
    }

    /// <summary>
    /// The dot score's keys <c>k_j = enc_j^fwd + enc_j^bwd</c> (A = H), so <c>h . k_j = h . enc_j[:H] + h . enc_j[H:]</c>.
    /// </summary>
    /// <param name="annotations">enc [cells, 2H].</param>
    /// <param name="keys">[cells, H]: written.</param>
    /// <param name="cells">S * B.</param>
    /// <param name="hidden">H.</param>
    internal static void DotKeys(ReadOnlySpan<float> annotations, Span<float> keys, int cells, int hidden)
    {
        for (int cell = 0; cell < cells; cell++)
            TensorPrimitives.Add(annotations.Slice(cell * 2 * hidden, hidden), annotations.Slice(cell * 2 * hidden + hidden, hidden), keys.Slice(cell * hidden, hidden));
    }

    /// <summary><c>o_t = tanh([h_t; ctx_t] W_o^T + b_o)</c> for B rows.</summary>
    /// <param name="combined">[h_t; ctx_t] [B, 3H].</param>
    /// <param name="attentional">o_t [B, H]: written.</param>
    /// <param name="batch">B.</param>
    /// <param name="packed">Whether the pass packed the weights beforehand (a training or scoring pass); decoding packs in each product.</param>
    internal void CombineForward(ReadOnlySpan<float> combined, Span<float> attentional, int batch, bool packed = false)
    {
        int h = _hidden, din = _hidden + _annotation;
        ReadOnlySpan<float> bias = _combine.Bias!.Value;
        for (int r = 0; r < batch; r++) bias.CopyTo(attentional.Slice(r * h, h));
        Product(packed, _packedCombine, true, batch, h, din, combined, din, _combine.Weight.Value, din, 1f, attentional, h);
        TensorPrimitives.Tanh(attentional[..(batch * h)], attentional[..(batch * h)]);
    }

    /// <summary><c>logits = o W_out^T + b_out</c> for <paramref name="rows"/> rows.</summary>
    /// <param name="attentional">o [rows, H].</param>
    /// <param name="logits">[rows, V]: written.</param>
    /// <param name="rows">The rows.</param>
    internal void OutputForward(ReadOnlySpan<float> attentional, Span<float> logits, int rows)
    {
        int h = _hidden, v = _vocabulary;
        ReadOnlySpan<float> bias = _output.Bias!.Value;
        for (int r = 0; r < rows; r++) bias.CopyTo(logits.Slice(r * v, v));
        Gemm.Multiply(false, true, rows, v, h, 1f, attentional, h, _output.Weight.Value, h, 1f, logits, v);
    }

    /// <summary>
    /// Encodes a batch of sources: embeddings, the bidirectional stack, the bridge to the decoder's first state and
    /// the attention keys.
    /// </summary>
    /// <param name="source">[S * B] ids, time-major (empty for vector sources).</param>
    /// <param name="vectors">[S * B * D_v] vectors, time-major (empty for id sources).</param>
    /// <param name="lengths">[B] lengths, 1..S.</param>
    /// <param name="steps">S.</param>
    /// <param name="batch">B.</param>
    /// <param name="training">Whether dropout is on.</param>
    /// <param name="annotations">enc [S, B, 2H]: resized and written.</param>
    /// <param name="keys">[S, B, A]: resized and written.</param>
    /// <param name="hidden0">h_0 [B, H]: resized and written.</param>
    /// <param name="cell0">LSTM c_0 [B, H]: resized and written (zeros for GRU).</param>
    /// <param name="condition">p [B, E]: with <see cref="EncoderDecoderOptions.ConditionEveryStep"/>, each row's mean
    /// projected (and dropped-out) source vector, resized and written; otherwise resized to [0, E].</param>
    internal void Encode(ReadOnlySpan<int> source, ReadOnlySpan<float> vectors, ReadOnlySpan<int> lengths, int steps, int batch, bool training,
        Tensor annotations, Tensor keys, Tensor hidden0, Tensor cell0, Tensor condition)
    {
        if (_sourceProjection is not null)
        {
            _srcVectors.Resize(steps, batch, Options.SourceVectorSize);
            vectors.CopyTo(_srcVectors.Span);
            _sourceProjection.Forward(_srcVectors, _srcEmbedded);
        }
        else _sourceEmbedding!.Forward(source, _srcEmbedded);
        _srcEmbedded.Resize(steps, batch, _embedding);
        _srcDropped.Resize(steps, batch, _embedding);
        _sourceDropout.Forward(_srcEmbedded, _srcDropped, training);
        _encoder.Forward(_srcDropped, lengths, null, null, null, annotations, _finalHidden, _lstm ? _finalCell : null, training);
        keys.Resize(steps, batch, _attention);
        if (_keys is not null)
        {
            _keys.Forward(annotations, keys);
            keys.Resize(steps, batch, _attention);
        }
        else
        {
            DotKeys(annotations.Span, keys.Span, steps * batch, _hidden);
        }
        condition.Resize(Options.ConditionEveryStep ? batch : 0, _embedding);
        if (Options.ConditionEveryStep)
        {
            // p = mean over the row's T_v vectors of dropout(src_proj(v_j)); one vector gives p = its projection.
            Span<float> pr = condition.Span;
            ReadOnlySpan<float> dropped = _srcDropped.Span;
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = pr.Slice(b * _embedding, _embedding);
                row.Clear();
                for (int j = 0; j < lengths[b]; j++) TensorPrimitives.Add(row, dropped.Slice((j * batch + b) * _embedding, _embedding), row);
                TensorPrimitives.Multiply(row, 1f / lengths[b], row);
            }
        }

        // Bridge from the top layer's final forward and backward states: [fwd; bwd] per row.
        int h = _hidden, top = (Options.EncoderLayers - 1) * 2;
        _bridgeHidden.Resize(batch, _annotation);
        _bridgeCell.Resize(batch, _annotation);
        ReadOnlySpan<float> fh = _finalHidden.Span, fc = _lstm ? _finalCell.Span : default;
        for (int b = 0; b < batch; b++)
        {
            for (int d = 0; d < 2; d++)
            {
                fh.Slice(((top + d) * batch + b) * h, h).CopyTo(_bridgeHidden.Span.Slice(b * _annotation + d * h, h));
                if (_lstm) fc.Slice(((top + d) * batch + b) * h, h).CopyTo(_bridgeCell.Span.Slice(b * _annotation + d * h, h));
            }
        }
        hidden0.Resize(batch, h);
        _initHidden.Forward(_bridgeHidden, hidden0);
        TensorPrimitives.Tanh(hidden0.Span, hidden0.Span);
        cell0.Resize(batch, h);
        if (_lstm) _initCell.Forward(_bridgeCell, cell0);
        else cell0.Clear();
    }
}
