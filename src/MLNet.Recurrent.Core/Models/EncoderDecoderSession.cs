using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// An <see cref="EncoderDecoder"/> decoding encoded sources one token at a time, as an <see cref="IStepDecoder"/>
/// for greedy search, sampling and beam search: each row carries its decoder state (h, c, the last context) and its
/// source's annotations and keys. Start every row with the start symbol. Numerically the teacher-forced forward pass
/// with dropout off. Not thread-safe; it uses the network's encoder workspaces while encoding.
/// </summary>
public sealed class EncoderDecoderSession : IStepDecoder
{
    private readonly EncoderDecoder _network;
    private readonly int _sources, _steps, _h, _d, _a, _e, _din, _conditionOffset;
    private readonly Tensor _encoded = new(0), _encodedKeys = new(0), _hidden0 = new(0), _cell0 = new(0), _sourceCondition = new(0);
    private float[] _condition = []; // p [B, E] of each row, with the vector entering every step
    private int[] _sourceLengths;
    private Tensor _enc = new(0), _keys = new(0), _spareEnc = new(0), _spareKeys = new(0);
    private float[] _hState = [], _cState = [], _ctx = [], _x = [], _gates = [], _hiddenGates = [], _hiddenN = [], _hNext = [], _cNext = [];
    private float[] _pq = [], _squashed = [], _weights = [], _combined = [], _attentional = [];
    private int[] _lengths = [];

    /// <summary>Encodes <paramref name="sources"/> (each 1..S ids) once; rows then start from them.</summary>
    internal EncoderDecoderSession(EncoderDecoder network, IReadOnlyList<int[]> sources)
        : this(network, sources.Select(s => s.Length).ToArray(), sources, null)
    {
    }

    /// <summary>Encodes sources of vectors (each S_i * D_v floats) once.</summary>
    internal EncoderDecoderSession(EncoderDecoder network, IReadOnlyList<float[]> vectors)
        : this(network, vectors.Select(v => v.Length / network.Options.SourceVectorSize).ToArray(), null, vectors)
    {
    }

    private EncoderDecoderSession(EncoderDecoder network, int[] lengths, IReadOnlyList<int[]>? sources, IReadOnlyList<float[]>? vectors)
    {
        _network = network;
        var o = network.Options;
        _h = o.HiddenSize;
        _d = 2 * _h;
        _a = o.AttentionWidth;
        _e = o.EmbeddingSize;
        _din = _e + (o.InputFeeding ? _d : 0);
        _conditionOffset = o.ConditionEveryStep ? _din : 0;
        if (o.ConditionEveryStep) _din += _e;
        _sources = lengths.Length;
        _steps = lengths.Max();
        _sourceLengths = lengths;
        int dv = network.Options.SourceVectorSize;
        var ids = new int[sources is null ? 0 : _steps * _sources];
        var flat = new float[vectors is null ? 0 : _steps * _sources * dv];
        for (int b = 0; b < _sources; b++)
            for (int j = 0; j < lengths[b]; j++)
            {
                if (sources is not null) ids[j * _sources + b] = sources[b][j];
                else vectors![b].AsSpan(j * dv, dv).CopyTo(flat.AsSpan((j * _sources + b) * dv, dv));
            }
        network.Encode(ids, flat, _sourceLengths, _steps, _sources, false, _encoded, _encodedKeys, _hidden0, _cell0, _sourceCondition);
    }

    /// <inheritdoc/>
    public int VocabularySize => _network.TargetVocabularySize;

    /// <inheritdoc/>
    public int BatchSize { get; private set; }

    /// <summary>S: the longest source's length (the width of <see cref="AttentionWeights"/>).</summary>
    public int SourceSteps => _steps;

    /// <summary>The attention weights of the last <see cref="Step"/>, <c>[B, S]</c> (0 past each row's source).</summary>
    public ReadOnlySpan<float> AttentionWeights => _weights.AsSpan(0, BatchSize * _steps);

    /// <summary>
    /// Starts <paramref name="batchSize"/> rows: row b from source b when there are that many sources, or every row
    /// from the single source.
    /// </summary>
    public void Reset(int batchSize)
    {
        ThrowHelper.ThrowIfNotPositive(batchSize, nameof(batchSize));
        if (batchSize != _sources && _sources != 1)
            ThrowHelper.Argument(nameof(batchSize), batchSize, $"it must be the number of sources ({_sources}) or any size for one source");
        Span<int> rows = batchSize <= 256 ? stackalloc int[batchSize] : new int[batchSize];
        for (int i = 0; i < batchSize; i++) rows[i] = _sources == 1 ? 0 : i;
        BatchSize = batchSize;
        Grow(batchSize);
        Gather(_encoded, _enc, rows, _d);
        Gather(_encodedKeys, _keys, rows, _a);
        for (int i = 0; i < batchSize; i++)
        {
            _lengths[i] = _sourceLengths[rows[i]];
            _hidden0.Span.Slice(rows[i] * _h, _h).CopyTo(_hState.AsSpan(i * _h, _h));
            _cell0.Span.Slice(rows[i] * _h, _h).CopyTo(_cState.AsSpan(i * _h, _h));
            if (_conditionOffset > 0) _sourceCondition.Span.Slice(rows[i] * _e, _e).CopyTo(_condition.AsSpan(i * _e, _e));
        }
        _ctx.AsSpan(0, batchSize * _d).Clear();
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        int b = BatchSize, v = VocabularySize;
        if (tokens.Length != b) ThrowHelper.Argument(nameof(tokens), $"{tokens.Length} tokens", $"there must be one per row ({b})");
        ThrowHelper.ThrowIfTooShort(logits.Length, (long)b * v, nameof(logits));
        ReadOnlySpan<float> table = _network.Parameters["tgt_emb.weight"].Value;
        for (int r = 0; r < b; r++)
        {
            if ((uint)tokens[r] >= (uint)v) ThrowHelper.OutOfRange($"tokens[{r}]", tokens[r], $"target ids are in [0, {v})");
            Span<float> xr = _x.AsSpan(r * _din, _din);
            table.Slice(tokens[r] * _e, _e).CopyTo(xr);
            if (_network.Options.InputFeeding) _ctx.AsSpan(r * _d, _d).CopyTo(xr[_e..]);
            if (_conditionOffset > 0) _condition.AsSpan(r * _e, _e).CopyTo(xr[_conditionOffset..]);
        }
        _network.CellForward(_x.AsSpan(0, b * _din), _hState.AsSpan(0, b * _h), _cState.AsSpan(0, b * _h), _gates, _hiddenGates, _hiddenN,
            _hNext.AsSpan(0, b * _h), _cNext.AsSpan(0, b * _h), b);
        (_hState, _hNext) = (_hNext, _hState);
        (_cState, _cNext) = (_cNext, _cState);
        _network.AttendForward(_hState.AsSpan(0, b * _h), _enc.Span, _keys.Span, _lengths.AsSpan(0, b), _steps, b, _pq, _squashed,
            _weights.AsSpan(0, b * _steps), _ctx.AsSpan(0, b * _d));
        int hd = _h + _d;
        for (int r = 0; r < b; r++)
        {
            _hState.AsSpan(r * _h, _h).CopyTo(_combined.AsSpan(r * hd, _h));
            _ctx.AsSpan(r * _d, _d).CopyTo(_combined.AsSpan(r * hd + _h, _d));
        }
        _network.CombineForward(_combined.AsSpan(0, b * hd), _attentional, b);
        _network.OutputForward(_attentional.AsSpan(0, b * _h), logits, b);
    }

    /// <inheritdoc/>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        int n = sourceRows.Length, old = BatchSize;
        for (int i = 0; i < n; i++)
            if ((uint)sourceRows[i] >= (uint)old) ThrowHelper.OutOfRange($"sourceRows[{i}]", sourceRows[i], $"it must be in [0, {old})");
        var h = GatherRows(_hState, sourceRows, _h);
        var c = GatherRows(_cState, sourceRows, _h);
        var ctx = GatherRows(_ctx, sourceRows, _d);
        var condition = GatherRows(_condition, sourceRows, _conditionOffset > 0 ? _e : 0);
        var w = GatherRows(_weights, sourceRows, _steps);
        var lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = _lengths[sourceRows[i]];
        Gather(_enc, _spareEnc, sourceRows, _d);
        Gather(_keys, _spareKeys, sourceRows, _a);
        (_enc, _spareEnc) = (_spareEnc, _enc);
        (_keys, _spareKeys) = (_spareKeys, _keys);
        BatchSize = n;
        Grow(n);
        h.CopyTo(_hState, 0);
        c.CopyTo(_cState, 0);
        ctx.CopyTo(_ctx, 0);
        condition.CopyTo(_condition, 0);
        w.CopyTo(_weights, 0);
        lengths.CopyTo(_lengths, 0);
    }

    private static float[] GatherRows(float[] from, ReadOnlySpan<int> rows, int width)
    {
        var to = new float[rows.Length * width];
        for (int i = 0; i < rows.Length; i++) from.AsSpan(rows[i] * width, width).CopyTo(to.AsSpan(i * width, width));
        return to;
    }

    /// <summary>to[j, i, :] = from[j, rows[i], :] over the S time steps of a [S, B, W] tensor.</summary>
    private void Gather(Tensor from, Tensor to, ReadOnlySpan<int> rows, int width)
    {
        int oldRows = from.Dim(1), n = rows.Length;
        to.Resize(_steps, n, width);
        for (int j = 0; j < _steps; j++)
            for (int i = 0; i < n; i++)
                from.Span.Slice((j * oldRows + rows[i]) * width, width).CopyTo(to.Span.Slice((j * n + i) * width, width));
    }

    private void Grow(int rows)
    {
        bool lstm = _network.Options.Cell == Layers.CellType.Lstm, additive = _network.Options.Attention == AttentionStyle.Additive;
        int g = (lstm ? 4 : 3) * _h;
        Ensure(ref _hState, rows * _h);
        Ensure(ref _cState, rows * _h);
        Ensure(ref _hNext, rows * _h);
        Ensure(ref _cNext, rows * _h);
        Ensure(ref _ctx, rows * _d);
        Ensure(ref _x, rows * _din);
        Ensure(ref _condition, rows * (_conditionOffset > 0 ? _e : 0));
        Ensure(ref _gates, rows * g);
        if (!lstm)
        {
            Ensure(ref _hiddenGates, rows * g);
            Ensure(ref _hiddenN, rows * _h);
        }
        if (additive)
        {
            Ensure(ref _pq, rows * _a);
            Ensure(ref _squashed, rows * _steps * _a);
        }
        Ensure(ref _weights, rows * _steps);
        Ensure(ref _combined, rows * (_h + _d));
        Ensure(ref _attentional, rows * _h);
        if (_lengths.Length < rows) Array.Resize(ref _lengths, rows);

        static void Ensure(ref float[] array, int length)
        {
            if (array.Length < length) Array.Resize(ref array, length);
        }
    }
}
