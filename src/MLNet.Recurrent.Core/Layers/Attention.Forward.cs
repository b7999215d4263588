using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class Attention
{
    /// <summary>Attends every decoder step to the encoder outputs and caches what <see cref="Backward"/> needs.</summary>
    /// <param name="queries">Decoder states [Tq, B, Hq], time-major; copied, so the caller may reuse the tensor.</param>
    /// <param name="keys">Encoder outputs [S, B, Hk], time-major: the keys and the values; copied.</param>
    /// <param name="lengths">[B] each sequence's number of encoder steps, 0..S; empty means all S.</param>
    /// <param name="context">Resized to [Tq, B, Hk] and overwritten with the weighted sums of the keys.</param>
    public void Forward(Tensor queries, Tensor keys, ReadOnlySpan<int> lengths, Tensor context)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(context);
        if (queries.Rank != 3 || queries.Dim(2) != QuerySize || queries.Dim(0) == 0 || queries.Dim(1) == 0)
            ThrowHelper.Argument(nameof(queries), queries.ToString(), $"it must have shape [Tq, B, {QuerySize}] with Tq and B positive");
        int tq = queries.Dim(0), b = queries.Dim(1);
        if (keys.Rank != 3 || keys.Dim(1) != b || keys.Dim(2) != KeySize || keys.Dim(0) == 0)
            ThrowHelper.Argument(nameof(keys), keys.ToString(), $"it must have shape [S, {b}, {KeySize}] with S positive");
        int s = keys.Dim(0);
        if (!lengths.IsEmpty && lengths.Length != b) ThrowHelper.Argument(nameof(lengths), $"{lengths.Length} lengths", $"there must be one per sequence ({b})");
        if (_lengths.Length < b) _lengths = new int[b];
        for (int j = 0; j < b; j++)
        {
            int length = lengths.IsEmpty ? s : lengths[j];
            if ((uint)length > (uint)s) ThrowHelper.OutOfRange($"lengths[{j}]", length, $"it must be in [0, {s}]");
            _lengths[j] = length;
        }

        _queries.Resize(tq, b, QuerySize);
        queries.Span.CopyTo(_queries.Span);
        _keys.Resize(s, b, KeySize);
        keys.Span.CopyTo(_keys.Span);
        _weights.Resize(tq, b, s);
        if (Score == AttentionScore.Dot) DotScores(tq, b, s);
        else AdditiveScores(tq, b, s);
        MaskedSoftmax(tq, b, s);

        context.Resize(tq, b, KeySize);
        int hk = KeySize;
        for (int j = 0; j < b; j++)
            Gemm.Multiply(false, false, tq, hk, s, 1f, _weights.Span[(j * s)..], b * s, _keys.Span[(j * hk)..], b * hk, 0f, context.Span[(j * hk)..], b * hk);
        _forwardDone = true;
    }

    private float DotScale => 1f / MathF.Sqrt(KeySize);

    private void DotScores(int tq, int b, int s)
    {
        int h = KeySize;
        for (int j = 0; j < b; j++)
            Gemm.Multiply(false, true, tq, s, h, DotScale, _queries.Span[(j * h)..], b * h, _keys.Span[(j * h)..], b * h, 0f, _weights.Span[(j * s)..], b * s);
    }

    private void AdditiveScores(int tq, int b, int s)
    {
        int a = AttentionSize;
        _projectedQ.Resize(tq, b, a);
        Gemm.Multiply(false, true, tq * b, a, QuerySize, 1f, _queries.Span, QuerySize, QueryWeight!.Value, QuerySize, 0f, _projectedQ.Span, a);
        _projectedK.Resize(s, b, a);
        Span<float> pk = _projectedK.Span;
        for (int r = 0; r < s * b; r++) KeyBias!.Value.CopyTo(pk.Slice(r * a, a));
        Gemm.Multiply(false, true, s * b, a, KeySize, 1f, _keys.Span, KeySize, KeyWeight!.Value, KeySize, 1f, pk, a);

        _hidden.Resize(tq, b, s, a);
        Span<float> hidden = _hidden.Span, w = _weights.Span;
        ReadOnlySpan<float> pq = _projectedQ.Span, v = ScoreWeight!.Value;
        for (int t = 0; t < tq; t++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < s; k++)
                {
                    Span<float> u = hidden.Slice(((t * b + j) * s + k) * a, a);
                    TensorPrimitives.Add(pq.Slice((t * b + j) * a, a), pk.Slice((k * b + j) * a, a), u);
                    TensorPrimitives.Tanh(u, u);
                    w[(t * b + j) * s + k] = TensorPrimitives.Dot(v, u);
                }
    }

    /// <summary>Softmax over each row's first len[b] scores; the rest (and rows of empty sequences) get weight 0.</summary>
    private void MaskedSoftmax(int tq, int b, int s)
    {
        Span<float> w = _weights.Span;
        for (int t = 0; t < tq; t++)
            for (int j = 0; j < b; j++)
            {
                Span<float> row = w.Slice((t * b + j) * s, s);
                int length = _lengths[j];
                row[length..].Clear();
                if (length == 0) continue;
                Span<float> valid = row[..length];
                if (!float.IsFinite(TensorPrimitives.Max(valid)))
                    ThrowHelper.InvalidOperation($"Attention scores of decoder step {t}, sequence {j} are not finite (NaN or infinity in the queries, keys or weights).");
                SoftmaxOperator.Row(valid, valid, out _);
            }
    }
}
