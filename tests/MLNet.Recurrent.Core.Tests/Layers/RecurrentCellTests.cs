using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>
/// RecurrentCell stepped by hand (forward T steps, then backward step by step) against a one-layer RecurrentLayer
/// (itself checked against PyTorch) with the same weights: outputs, final states and every gradient within 1e-5.
/// </summary>
public sealed class RecurrentCellTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CellType.RnnTanh)]
    [InlineData(CellType.RnnRelu)]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Stepping_by_hand_matches_the_layer(CellType cellType)
    {
        const int T = 4, B = 3, D = 3, H = 5;
        bool lstm = cellType == CellType.Lstm;
        var layerParameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions { Cell = cellType, InputSize = D, HiddenSize = H }, layerParameters);
        layer.InitializeWeights(new Random(11));
        var cellParameters = new ParameterSet();
        var cell = new RecurrentCell(cellType, D, H, cellParameters, "dec.");
        foreach (var p in cellParameters.Parameters) layerParameters[p.Name["dec.".Length..] + "_l0"].Value.CopyTo(p.Value);

        var random = new Random(12);
        Tensor Rand(params int[] shape)
        {
            var t = new Tensor(shape);
            for (int i = 0; i < t.Length; i++) t.Span[i] = 2f * random.NextSingle() - 1f;
            return t;
        }
        var x = Rand(T, B, D);
        var h0 = Rand(1, B, H);
        var c0 = Rand(1, B, H);
        var dy = Rand(T, B, H);
        var dhn = Rand(1, B, H);
        var dcn = Rand(1, B, H);
        Tensor y = new(0), hn = new(0), cn = new(0), dx = new(0), dh0 = new(0), dc0 = new(0);
        layer.Forward(x, [], h0, lstm ? c0 : null, null, y, hn, lstm ? cn : null, training: false);
        layer.Backward(dx, dh0, lstm ? dc0 : null, null, dy, dhn, lstm ? dcn : null);

        var caches = Enumerable.Range(0, T).Select(_ => new RecurrentCellCache()).ToArray();
        float[] h = h0.Span.ToArray(), c = lstm ? c0.Span.ToArray() : [];
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            cell.Forward(x.Span.Slice(t * B * D, B * D), h, c, h, c, caches[t], B);
            for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(h[i] - y.Span[t * B * H + i]));
        }
        for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(h[i] - hn.Span[i]));
        if (lstm) for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(c[i] - cn.Span[i]));

        float[] dh = dhn.Span.ToArray(), dc = lstm ? dcn.Span.ToArray() : [], stepDx = new float[B * D];
        for (int t = T - 1; t >= 0; t--)
        {
            for (int i = 0; i < B * H; i++) dh[i] += dy.Span[t * B * H + i];
            cell.Backward(stepDx, dh, dc, dh, dc, caches[t]);
            for (int i = 0; i < B * D; i++) worst = Math.Max(worst, Math.Abs(stepDx[i] - dx.Span[t * B * D + i]));
        }
        for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(dh[i] - dh0.Span[i]));
        if (lstm) for (int i = 0; i < B * H; i++) worst = Math.Max(worst, Math.Abs(dc[i] - dc0.Span[i]));
        foreach (var p in cellParameters.Parameters)
        {
            var q = layerParameters[p.Name["dec.".Length..] + "_l0"];
            for (int i = 0; i < p.Length; i++) worst = Math.Max(worst, Math.Abs(p.Gradient[i] - q.Gradient[i]));
        }
        output.WriteLine($"{cellType}: cell stepped by hand vs layer, max |diff| {worst:E2} (tolerance 1e-5)");
        Assert.True(worst <= 1e-5, $"max |diff| {worst:E2}");
    }
}
