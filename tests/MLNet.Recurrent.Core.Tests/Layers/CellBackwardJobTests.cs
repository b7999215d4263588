using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Layers.Internals;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>
/// The backward cell step split by rows over threads (<see cref="CellBackwardJob"/>) against the whole-batch calls it
/// replaces: <c>dh += dy</c> row by row, then <see cref="LstmCell.Backward"/> or <see cref="GruCell.Backward"/>. Every
/// bit must agree for 1 and 2 threads, with more rows than one thread's share and output rows wider than H.
/// </summary>
public sealed class CellBackwardJobTests
{
    private const int Rows = 37, H = 256, Width = 2 * H, Offset = H;

    private static float[] Rand(Random random, int length, float lo, float hi)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = lo + (hi - lo) * random.NextSingle();
        return a;
    }

    private static void AddOutputGrad(float[] dh, float[] dy)
    {
        for (int r = 0; r < Rows; r++)
            for (int j = 0; j < H; j++) dh[r * H + j] += dy[r * Width + Offset + j];
    }

    [Fact]
    public void lstm_backward_split_by_rows_gives_the_bits_of_the_whole_batch_call()
    {
        var random = new Random(5);
        // Activations as the forward pass leaves them: sigmoids in (0, 1), g in (-1, 1).
        float[] gates = Rand(random, Rows * 4 * H, 0.01f, 0.99f), cellPrev = Rand(random, Rows * H, -2f, 2f), cell = Rand(random, Rows * H, -2f, 2f);
        float[] dhIn = Rand(random, Rows * H, -1f, 1f), dcIn = Rand(random, Rows * H, -1f, 1f), dy = Rand(random, Rows * Width, -1f, 1f);

        float[] dhRef = (float[])dhIn.Clone(), dcRef = (float[])dcIn.Clone(), dgRef = new float[Rows * 4 * H];
        AddOutputGrad(dhRef, dy);
        LstmCell.Backward(dgRef, dcRef, dhRef, dcRef, gates, cellPrev, cell, Rows, H);
        Assert.Contains(dgRef, v => MathF.Abs(v) > 0.01f);

        foreach (int threads in new[] { 1, 2 })
        {
            float[] dh = (float[])dhIn.Clone(), dc = (float[])dcIn.Clone(), dg = new float[Rows * 4 * H];
            CellBackwardJob.RunLstm(threads, Rows, H, dh, dy, Width, Offset, dg, dc, gates, cellPrev, cell);
            Assert.Equal(dhRef, dh);
            Assert.Equal(dcRef, dc);
            Assert.Equal(dgRef, dg);
        }
    }

    [Fact]
    public void gru_backward_split_by_rows_gives_the_bits_of_the_whole_batch_call()
    {
        var random = new Random(6);
        float[] gates = Rand(random, Rows * 3 * H, 0.01f, 0.99f), hiddenN = Rand(random, Rows * H, -2f, 2f), hPrev = Rand(random, Rows * H, -1f, 1f);
        float[] dhIn = Rand(random, Rows * H, -1f, 1f), dy = Rand(random, Rows * Width, -1f, 1f);

        float[] dhRef = (float[])dhIn.Clone(), dxRef = new float[Rows * 3 * H], dhgRef = new float[Rows * 3 * H];
        AddOutputGrad(dhRef, dy);
        GruCell.Backward(dxRef, dhgRef, dhRef, dhRef, gates, hiddenN, hPrev, Rows, H);
        Assert.Contains(dxRef, v => MathF.Abs(v) > 0.01f);

        foreach (int threads in new[] { 1, 2 })
        {
            float[] dh = (float[])dhIn.Clone(), dx = new float[Rows * 3 * H], dhg = new float[Rows * 3 * H];
            CellBackwardJob.RunGru(threads, Rows, H, dh, dy, Width, Offset, dx, dhg, gates, hiddenN, hPrev);
            Assert.Equal(dhRef, dh);
            Assert.Equal(dxRef, dx);
            Assert.Equal(dhgRef, dhg);
        }
    }
}
