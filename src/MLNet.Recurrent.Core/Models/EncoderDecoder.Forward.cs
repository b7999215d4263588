using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    // Encoder workspaces.
    private readonly Tensor _srcEmbedded = new(0), _srcDropped = new(0);      // [S, B, E]
    private readonly Tensor _srcVectors = new(0);                             // [S, B, D_v] vector sources
    private readonly Tensor _finalHidden = new(0), _finalCell = new(0);       // [2L, B, H]
    private readonly Tensor _bridgeHidden = new(0), _bridgeCell = new(0);     // [B, 2H]
    private readonly Tensor _annotations = new(0);                            // enc [S, B, 2H]
    private readonly Tensor _keysT = new(0);                                  // [S, B, A]
    private readonly Tensor _hidden0 = new(0), _cell0 = new(0);               // [B, H]
    private readonly Tensor _condition = new(0);                              // p [B, E] (vector every step)
    // Decoder caches, one slice per step.
    private readonly Tensor _ones = new(0), _embMask = new(0);                // [T, B, E]
    private readonly Tensor _x = new(0);                                      // [T, B, E(+2H)]
    private readonly Tensor _gatesT = new(0), _hiddenGatesT = new(0);         // [T, B, G*H]
    private readonly Tensor _hiddenNT = new(0);                               // GRU [T, B, H]
    private readonly Tensor _hs = new(0), _cs = new(0);                       // [T + 1, B, H], slot 0 = h_0, c_0
    private readonly Tensor _pq = new(0);                                     // [T, B, A]
    private readonly Tensor _squashed = new(0);                               // [T, B, S, A]
    private readonly Tensor _attWeights = new(0);                             // [T, B, S]
    private readonly Tensor _combined = new(0);                               // [T, B, 3H]: [h_t; ctx_t]
    private readonly Tensor _o = new(0), _od = new(0), _outMask = new(0);     // [T, B, H]
    private int[] _inputTokens = [];                                          // [T * B] what the decoder read
    private double[] _logSumExp = [];                                         // [T * B]
    private float[] _expScratch = [];                                         // [V]
    private Seq2SeqBatch? _last;
    private double _nllSum, _smoothSum;
    private long _count;
    private DeterministicRandom _sampling = new(5);
    private long _trainingSteps;

    /// <summary>The probability of feeding the true previous token, by training step; teacher forcing by default.</summary>
    public TeacherForcingSchedule TeacherForcing { get; set; } = TeacherForcingSchedule.Always;

    /// <summary>The training forward passes taken (the step the teacher-forcing schedule reads).</summary>
    public long TrainingSteps => _trainingSteps;

    /// <summary>
    /// The objective the last forward pass's <see cref="Backward"/> differentiates: the label-smoothed cross-entropy
    /// <c>((1 - eps) nll + eps mean_v(-log p_v))</c> averaged over the targets that count.
    /// </summary>
    public double LastObjective { get; private set; }

    /// <summary>The attention weights of the last forward pass: [T, B, S], rows summing to 1 within each source.</summary>
    public Tensor AttentionWeights => _attWeights;

    /// <summary>
    /// Runs a batch: encodes the sources, then steps the decoder, reading at step t the true y_{t-1} with
    /// probability <paramref name="teacherProbability"/> (decided per token) and otherwise the model's own most
    /// likely token of step t-1. Caches everything <see cref="Backward"/> needs. Returns the mean negative
    /// log-likelihood per target (label smoothing does not change it), or NaN when a logit is not finite.
    /// </summary>
    /// <param name="batch">Sources, decoder inputs and targets.</param>
    /// <param name="training">Whether dropout is on.</param>
    /// <param name="teacherProbability">eps in [0, 1]; 1 is plain teacher forcing.</param>
    public double Forward(Seq2SeqBatch batch, bool training, double teacherProbability = 1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckBatch(batch);
        int s = batch.SourceSteps, tSteps = batch.TargetSteps, b = batch.BatchSize;
        int h = _hidden, gh = _gates, e = _embedding, din = _decoderInput, d = _annotation, a = _attention, v = _vocabulary;
        Encode(batch.Source, batch.SourceVectors, batch.SourceLengths, s, b, training, _annotations, _keysT, _hidden0, _cell0, _condition);

        _ones.Resize(tSteps, b, e);
        _ones.Span.Fill(1f);
        _targetDropout.Forward(_ones, _embMask, training);
        _x.Resize(tSteps, b, din);
        _gatesT.Resize(tSteps, b, gh);
        _hiddenGatesT.Resize(_lstm ? 0 : tSteps, b, gh);
        _hiddenNT.Resize(_lstm ? 0 : tSteps, b, h);
        _hs.Resize(tSteps + 1, b, h);
        _cs.Resize(tSteps + 1, b, h);
        _hidden0.Span.CopyTo(_hs.Span);
        _cell0.Span.CopyTo(_cs.Span);
        bool additive = Options.Attention == AttentionStyle.Additive;
        _pq.Resize(additive ? tSteps : 0, b, a);
        _squashed.Resize(additive ? tSteps : 0, b, s, a);
        _attWeights.Resize(tSteps, b, s);
        _combined.Resize(tSteps, b, h + d);
        _o.Resize(tSteps, b, h);
        _ones.Resize(tSteps, b, h);
        _ones.Span.Fill(1f);
        _outputDropout.Forward(_ones, _outMask, training);
        _od.Resize(tSteps, b, h);
        SelectOutputRows(batch.Targets, tSteps * b);
        CountActiveRows(batch.Targets, tSteps, b);
        bool sampling = teacherProbability < 1;
        _stepLogits.Resize(sampling ? b : 0, v);
        if (_inputTokens.Length < tSteps * b) _inputTokens = new int[tSteps * b];
        batch.DecoderInput.CopyTo(_inputTokens);

        PackForward();
        Span<float> x = _x.Span, hs = _hs.Span, cs = _cs.Span, comb = _combined.Span, stepLogits = _stepLogits.Span;
        ReadOnlySpan<float> embTable = _targetEmbedding.Weight.Value, mask = _embMask.Span;
        int copied = 0;
        for (int t = 0; t < tSteps; t++)
        {
            // Rows whose target has ended compute nothing; their slots are cleared for the all-rows weight gradients.
            int bt = _activeRows[t];
            ClearEndedRows(t, b, bt);
            // x_t = [dropout(Embedding(y)); ctx_{t-1}]
            for (int r = 0; r < bt; r++)
            {
                int row = t * b + r;
                if (sampling && t > 0 && _sampling.NextDouble() >= teacherProbability)
                    _inputTokens[row] = TensorPrimitives.IndexOfMax(stepLogits.Slice(r * v, v));
                Span<float> xr = x.Slice(row * din, din);
                TensorPrimitives.Multiply(embTable.Slice(_inputTokens[row] * e, e), mask.Slice(row * e, e), xr[..e]);
                if (_conditionOffset > 0) _condition.Span.Slice(r * e, e).CopyTo(xr[_conditionOffset..]);
                if (!Options.InputFeeding) continue;
                if (t == 0) xr.Slice(e, d).Clear();
                else comb.Slice(((t - 1) * b + r) * (h + d) + h, d).CopyTo(xr.Slice(e, d));
            }
            Span<float> hPrev = hs.Slice(t * b * h, b * h), hNow = hs.Slice((t + 1) * b * h, b * h);
            CellForward(x.Slice(t * b * din, bt * din), hPrev, cs.Slice(t * b * h, bt * h), _gatesT.Span.Slice(t * b * gh, bt * gh),
                _lstm ? default : _hiddenGatesT.Span.Slice(t * b * gh, bt * gh), _lstm ? default : _hiddenNT.Span.Slice(t * b * h, bt * h),
                hNow, cs.Slice((t + 1) * b * h, bt * h), bt, packed: true);
            // The context goes straight into [h_t; ctx_t]; h_t is copied beside it.
            for (int r = 0; r < bt; r++) hNow.Slice(r * h, h).CopyTo(comb.Slice((t * b + r) * (h + d), h));
            AttendStepInto(t, batch, hNow, s, b, bt);
            Span<float> o = _o.Span.Slice(t * b * h, bt * h), od = _od.Span.Slice(t * b * h, bt * h);
            CombineForward(comb.Slice(t * b * (h + d), bt * (h + d)), o, bt, packed: true);
            TensorPrimitives.Multiply(o, _outMask.Span.Slice(t * b * h, bt * h), od);
            // Sampling needs this step's logits for the next input; otherwise one product covers all steps below.
            if (!sampling) continue;
            OutputForward(od, stepLogits, bt);
            copied = CopyStepLogits(t, b, copied);
        }
        GatherOutputInput();
        if (!sampling) OutputForward(_odRows.Span, _logitsRows.Span, _outputRowCount);
        _last = batch;
        return Loss(batch.Targets);
    }

    /// <summary>Attention of step t, writing its context into the second part of [h_t; ctx_t].</summary>
    private void AttendStepInto(int t, Seq2SeqBatch batch, ReadOnlySpan<float> hidden, int s, int b, int bt)
    {
        int h = _hidden, d = _annotation, a = _attention;
        bool additive = Options.Attention == AttentionStyle.Additive;
        _context.Resize(b, d);
        AttendForward(hidden, _annotations.Span, _keysT.Span, batch.SourceLengths, s, b,
            additive ? _pq.Span.Slice(t * b * a, b * a) : default, additive ? _squashed.Span.Slice(t * b * s * a, b * s * a) : default,
            _attWeights.Span.Slice(t * b * s, b * s), _context.Span, packed: true, rows: bt);
        Span<float> comb = _combined.Span;
        for (int r = 0; r < bt; r++) _context.Span.Slice(r * d, d).CopyTo(comb.Slice((t * b + r) * (h + d) + h, d));
    }

    private readonly Tensor _context = new(0);   // [B, 2H] one step's context

    /// <summary>
    /// Mean negative log-likelihood of the targets that count; keeps each selected row's log-sum-exp for the backward
    /// pass and the label-smoothing term. NaN when a logit is not finite.
    /// </summary>
    private double Loss(ReadOnlySpan<int> targets)
    {
        int v = _vocabulary, n = _outputRowCount;
        if (_logSumExp.Length < n) _logSumExp = new double[n];
        if (_expScratch.Length < v) _expScratch = new float[v];
        ReadOnlySpan<float> z = _logitsRows.Span;
        double nll = 0, smooth = 0;
        long count = 0;
        for (int i = 0; i < n; i++)
        {
            int y = targets[_outputRows[i]];
            if (y == Seq2SeqBatch.IgnoreTarget) continue;
            ReadOnlySpan<float> row = z.Slice(i * v, v);
            float max = TensorPrimitives.Max(row);
            if (!float.IsFinite(max)) return double.NaN;
            Span<float> shifted = _expScratch.AsSpan(0, v);
            TensorPrimitives.Subtract(row, max, shifted);
            TensorPrimitives.Exp(shifted, shifted);
            double lse = max + Math.Log(TensorPrimitives.Sum(shifted));
            _logSumExp[i] = lse;
            nll += lse - row[y];
            smooth += lse - TensorPrimitives.Sum(row) / (double)v;
            count++;
        }
        _nllSum = nll;
        _smoothSum = smooth;
        _count = count;
        double eps = Options.LabelSmoothing;
        LastObjective = count > 0 ? ((1 - eps) * nll + eps * smooth) / count : 0;
        return count > 0 ? nll / count : 0;
    }

    private void CheckBatch(Seq2SeqBatch batch)
    {
        ReadOnlySpan<int> src = batch.Source, lengths = batch.SourceLengths, targets = batch.Targets, input = batch.DecoderInput;
        for (int r = 0; r < lengths.Length; r++)
        {
            if (lengths[r] < 1 || lengths[r] > batch.SourceSteps)
                ThrowHelper.OutOfRange($"SourceLengths[{r}]", lengths[r], $"every source has 1 to {batch.SourceSteps} tokens");
        }
        if (Options.SourceVectorSize != batch.SourceVectorSize)
            ThrowHelper.Argument(nameof(batch), $"sources of {(batch.SourceVectorSize == 0 ? "ids" : $"vectors of {batch.SourceVectorSize}")}",
                Options.SourceVectorSize == 0 ? "the network reads source ids" : $"the network reads source vectors of {Options.SourceVectorSize}");
        if (Options.SourceVectorSize > 0) src = default;
        int vs = Options.SourceVocabularySize, vt = _vocabulary;
        for (int i = 0; i < src.Length; i++)
            if ((uint)src[i] >= (uint)vs) ThrowHelper.OutOfRange($"Source[{i}]", src[i], $"source ids are in [0, {vs})");
        for (int i = 0; i < input.Length; i++)
            if ((uint)input[i] >= (uint)vt) ThrowHelper.OutOfRange($"DecoderInput[{i}]", input[i], $"target ids are in [0, {vt})");
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] != Seq2SeqBatch.IgnoreTarget && (uint)targets[i] >= (uint)vt)
                ThrowHelper.OutOfRange($"Targets[{i}]", targets[i], $"target ids are in [0, {vt}) or the ignore value {Seq2SeqBatch.IgnoreTarget}");
    }
}
