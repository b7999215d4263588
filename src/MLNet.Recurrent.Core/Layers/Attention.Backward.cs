using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class Attention
{
    private float[] _scratch = [];

    /// <summary>
    /// Backpropagates the last <see cref="Forward"/>: overwrites the requested input gradients and accumulates the
    /// additive score's parameter gradients (+=).
    /// </summary>
    /// <param name="queriesGrad">dL/dqueries [Tq, B, Hq]; null if not wanted.</param>
    /// <param name="keysGrad">dL/dkeys [S, B, Hk] (as keys and as values); null if not wanted.</param>
    /// <param name="contextGrad">dL/dcontext [Tq, B, Hk].</param>
    public void Backward(Tensor? queriesGrad, Tensor? keysGrad, Tensor contextGrad)
    {
        ArgumentNullException.ThrowIfNull(contextGrad);
        if (!_forwardDone) ThrowHelper.InvalidOperation("Backward was called before Forward.");
        int tq = _queries.Dim(0), b = _queries.Dim(1), s = _keys.Dim(0), hk = KeySize, hq = QuerySize;
        if (contextGrad.Length != tq * b * hk) ThrowHelper.Argument(nameof(contextGrad), contextGrad.ToString(), $"it must have shape [{tq}, {b}, {hk}]");

        // dWeights = dContext K^T, and the value path: dK = W^T dContext.
        _dScores.Resize(tq, b, s);
        Span<float> ds = _dScores.Span;
        ReadOnlySpan<float> dc = contextGrad.Span, w = _weights.Span;
        for (int j = 0; j < b; j++)
            Gemm.Multiply(false, true, tq, s, hk, 1f, dc[(j * hk)..], b * hk, _keys.Span[(j * hk)..], b * hk, 0f, ds[(j * s)..], b * s);
        keysGrad?.Resize(s, b, hk);
        if (keysGrad is not null)
            for (int j = 0; j < b; j++)
                Gemm.Multiply(true, false, s, hk, tq, 1f, w[(j * s)..], b * s, dc[(j * hk)..], b * hk, 0f, keysGrad.Span[(j * hk)..], b * hk);

        // Softmax backward row by row: dScore = w * (dW - sum(w * dW)); masked weights are 0, so their dScore is 0.
        for (int r = 0; r < tq * b; r++)
        {
            Span<float> row = ds.Slice(r * s, s);
            ReadOnlySpan<float> wr = w.Slice(r * s, s);
            float dot = TensorPrimitives.Dot(wr, row);
            TensorPrimitives.Subtract(row, dot, row);
            TensorPrimitives.Multiply(row, wr, row);
        }

        if (Score == AttentionScore.Dot) DotBackward(queriesGrad, keysGrad, tq, b, s);
        else AdditiveBackward(queriesGrad, keysGrad, tq, b, s);
    }

    private void DotBackward(Tensor? queriesGrad, Tensor? keysGrad, int tq, int b, int s)
    {
        int h = KeySize;
        ReadOnlySpan<float> ds = _dScores.Span;
        if (queriesGrad is not null)
        {
            queriesGrad.Resize(tq, b, h);
            for (int j = 0; j < b; j++)
                Gemm.Multiply(false, false, tq, h, s, DotScale, ds[(j * s)..], b * s, _keys.Span[(j * h)..], b * h, 0f, queriesGrad.Span[(j * h)..], b * h);
        }
        if (keysGrad is not null)
            for (int j = 0; j < b; j++)
                Gemm.Multiply(true, false, s, h, tq, DotScale, ds[(j * s)..], b * s, _queries.Span[(j * h)..], b * h, 1f, keysGrad.Span[(j * h)..], b * h);
    }

    private void AdditiveBackward(Tensor? queriesGrad, Tensor? keysGrad, int tq, int b, int s)
    {
        int a = AttentionSize;
        if (_scratch.Length < a) _scratch = new float[a];
        Span<float> pre = _scratch.AsSpan(0, a);
        _dProjectedQ.Resize(tq, b, a);
        _dProjectedQ.Clear();
        _dProjectedK.Resize(s, b, a);
        _dProjectedK.Clear();
        Span<float> dpq = _dProjectedQ.Span, dpk = _dProjectedK.Span, dv = ScoreWeight!.Gradient;
        ReadOnlySpan<float> ds = _dScores.Span, hidden = _hidden.Span, v = ScoreWeight.Value;
        for (int t = 0; t < tq; t++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < _lengths[j]; k++)
                {
                    float g = ds[(t * b + j) * s + k];
                    ReadOnlySpan<float> u = hidden.Slice(((t * b + j) * s + k) * a, a);
                    // score = v . u, u = tanh(pre): dv += g u; dpre = g v (1 - u^2)
                    TensorPrimitives.MultiplyAdd(u, g, dv, dv);
                    TensorPrimitives.Multiply(u, u, pre);
                    TensorPrimitives.Subtract(1f, pre, pre);
                    TensorPrimitives.Multiply(pre, v, pre);
                    TensorPrimitives.MultiplyAdd(pre, g, dpq.Slice((t * b + j) * a, a), dpq.Slice((t * b + j) * a, a));
                    TensorPrimitives.MultiplyAdd(pre, g, dpk.Slice((k * b + j) * a, a), dpk.Slice((k * b + j) * a, a));
                }

        int hq = QuerySize, hk = KeySize;
        if (queriesGrad is not null)
        {
            queriesGrad.Resize(tq, b, hq);
            Gemm.Multiply(false, false, tq * b, hq, a, 1f, dpq, a, QueryWeight!.Value, hq, 0f, queriesGrad.Span, hq);
        }
        Gemm.Multiply(true, false, a, hq, tq * b, 1f, dpq, a, _queries.Span, hq, 1f, QueryWeight!.Gradient, hq);
        if (keysGrad is not null)
            Gemm.Multiply(false, false, s * b, hk, a, 1f, dpk, a, KeyWeight!.Value, hk, 1f, keysGrad.Span, hk);
        Gemm.Multiply(true, false, a, hk, s * b, 1f, dpk, a, _keys.Span, hk, 1f, KeyWeight!.Gradient, hk);
        Span<float> db = KeyBias!.Gradient;
        for (int r = 0; r < s * b; r++) TensorPrimitives.Add(db, dpk.Slice(r * a, a), db);
    }
}
