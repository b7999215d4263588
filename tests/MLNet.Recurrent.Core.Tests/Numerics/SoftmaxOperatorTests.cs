using MLNet.Recurrent.Core.Tests.TestSupport;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>
/// The one softmax and log-softmax kernels (used by the cross-entropy, attention, prediction, sampling and beam
/// search) against the same formulas evaluated in double. Tolerance for every backward:
/// <c>|actual - expected| &lt;= 1e-5 * |expected| + 1e-6</c> (a few float32 ulps from the exp and the division,
/// plus an absolute floor for values that cancel to near zero). Softmax probabilities:
/// <c>1e-5 * |expected| + 1e-7</c>; log-probabilities <c>1e-5 * |expected| + 1e-6</c> (one ulp of 1 from the
/// vectorised exp shows up in log(sum) as ~1.2e-7). Lengths 1, 7, 37 and 300 cover the vector tails; inputs include
/// +-20, +-100, +-1000 and +-1e30, where an unstable softmax would overflow to NaN.
/// </summary>
public sealed class SoftmaxOperatorTests(ITestOutputHelper output)
{
    private static readonly float[] Extremes = [0f, 1e-3f, -1e-3f, 20f, -20f, 100f, -100f, 1000f, -1000f, 1e30f, -1e30f];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(300)]
    public void Softmax_and_log_softmax_match_double_without_overflow(int columns)
    {
        const int rows = 4;
        float[] x = new float[rows * columns];
        // Row 0: moderate logits; row 1: huge; row 2: a mix of +-1e30 and ordinary values; row 3: all equal.
        var rng = new Random(columns);
        for (int j = 0; j < columns; j++)
        {
            x[j] = (float)(rng.NextDouble() * 20 - 10);
            x[columns + j] = 1000f - j;
            x[2 * columns + j] = Extremes[j % Extremes.Length];
            x[3 * columns + j] = -88.5f;
        }
        var p = new float[x.Length];
        var logp = new float[x.Length];
        SoftmaxOperator.Invoke(x, p, columns);
        LogSoftmaxOperator.Invoke(x, logp, columns);
        double worstP = 0, worstLog = 0;
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < columns; j++) max = Math.Max(max, x[r * columns + j]);
            for (int j = 0; j < columns; j++) sum += Math.Exp(x[r * columns + j] - max);
            for (int j = 0; j < columns; j++)
            {
                int at = r * columns + j;
                double logExpected = x[at] - max - Math.Log(sum);
                worstP = Math.Max(worstP, Math.Abs(p[at] - Math.Exp(logExpected)) / (1e-5 * Math.Exp(logExpected) + 1e-7));
                worstLog = Math.Max(worstLog, Math.Abs(logp[at] - logExpected) / (1e-5 * Math.Abs(logExpected) + 1e-6));
            }
        }
        output.WriteLine($"columns {columns}: softmax worst {worstP:F3}, log-softmax worst {worstLog:F3} of the tolerance");
        Assert.True(worstP <= 1, $"softmax error {worstP} of the tolerance");
        Assert.True(worstLog <= 1, $"log-softmax error {worstLog} of the tolerance");
    }

    [Fact]
    public void Log_softmax_in_place_equals_out_of_place()
    {
        float[] x = Inputs(3 * 37, 5, seed: 3), y = new float[x.Length];
        LogSoftmaxOperator.Invoke(x, y, 37);
        LogSoftmaxOperator.Invoke(x, x, 37);
        Assert.Equal(y, x);
    }

    [Fact]
    public void Row_backwards_match_double_formulas()
    {
        const int rows = 3, columns = 37;
        float[] x = Inputs(rows * columns, 5, seed: 11), dy = Inputs(rows * columns, 1, seed: 12);
        float[] p = new float[x.Length], logp = new float[x.Length], dx = new float[x.Length], dxLog = new float[x.Length];
        SoftmaxOperator.Invoke(x, p, columns);
        LogSoftmaxOperator.Invoke(x, logp, columns);
        SoftmaxOperator.Backward(p, dy, dx, columns);
        LogSoftmaxOperator.Backward(logp, dy, dxLog, columns);
        double worst = 0;
        for (int r = 0; r < rows; r++)
        {
            double dot = 0, sum = 0;
            for (int j = 0; j < columns; j++) (dot, sum) = (dot + (double)dy[r * columns + j] * p[r * columns + j], sum + dy[r * columns + j]);
            for (int j = 0; j < columns; j++)
            {
                int at = r * columns + j;
                double e = p[at] * (dy[at] - dot), eLog = dy[at] - Math.Exp(logp[at]) * sum;
                worst = Math.Max(worst, Math.Abs(dx[at] - e) / (1e-5 * Math.Abs(e) + 1e-6));
                worst = Math.Max(worst, Math.Abs(dxLog[at] - eLog) / (1e-5 * Math.Abs(eLog) + 1e-6));
            }
        }
        output.WriteLine($"worst {worst:F3} of the tolerance");
        Assert.True(worst <= 1);
    }

    [Fact]
    public void Backwards_are_the_gradients_of_the_forwards()
    {
        // Loss = sum_j w_j * f(x)_j; its gradient is Backward(y, w). Central differences in float32 with
        // eps = 1e-2, relative error floor 1e-2: max relative error must stay below 1e-2.
        const int rows = 2, columns = 9;
        float[] x = Inputs(rows * columns, 2, seed: 21), w = Inputs(rows * columns, 1, seed: 22);
        foreach (var (name, forward, backward) in new (string, Action<float[], float[]>, Action<float[], float[], float[]>)[]
        {
            ("softmax", (a, b) => SoftmaxOperator.Invoke(a, b, columns), (y, g, d) => SoftmaxOperator.Backward(y, g, d, columns)),
            ("log-softmax", (a, b) => LogSoftmaxOperator.Invoke(a, b, columns), (y, g, d) => LogSoftmaxOperator.Backward(y, g, d, columns)),
        })
        {
            var y = new float[x.Length];
            var analytic = new float[x.Length];
            forward(x, y);
            backward(y, w, analytic);
            double Loss()
            {
                forward(x, y);
                double l = 0;
                for (int i = 0; i < y.Length; i++) l += (double)w[i] * y[i];
                return l;
            }
            output.WriteLine(name);
            double error = GradientCheck.MaxRelativeError(Loss, [GradientCheck.Of(name, x, analytic)], output);
            Assert.True(error < 1e-2, $"{name}: {error}");
        }
    }

    [Fact]
    public void Mismatched_lengths_are_rejected_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => SoftmaxOperator.Invoke(new float[6], new float[5], 3));
        Assert.Equal("'y' was \"length 5\"; it must match 'x' (length 6). (Parameter 'y')", ex.Message);
        Assert.Throws<ArgumentException>(() => SoftmaxOperator.Backward(new float[4], new float[4], new float[3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogSoftmaxOperator.Invoke(new float[6], new float[6], 0));
    }

    /// <summary>Uniform values in [-scale, scale], with the extremes spliced in when there is room.</summary>
    private static float[] Inputs(int length, double scale, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        if (length > 2 * Extremes.Length && scale >= 10) Extremes.CopyTo(x, length / 2);
        return x;
    }
}
