using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

public sealed class InitializerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 4)]
    [InlineData(3, 7)]
    [InlineData(7, 3)]
    public void Orthogonal_block_is_orthonormal(int rows, int cols)
    {
        var w = new float[rows * cols];
        Initializers.Orthogonal(w, rows, cols, new DeterministicRandom(5));
        double error = OrthonormalityError(w, 0, rows, cols);
        output.WriteLine($"[{rows}, {cols}]: max |W W^T - I| (or W^T W) = {error:E2} (tolerance 1e-5)");
        Assert.True(error <= 1e-5);
    }

    [Fact]
    public void Orthogonal_per_gate_block_of_recurrent_weight()
    {
        const int H = 6, G = 4;
        var set = new ParameterSet();
        var whh = set.Add("lstm.weight_hh_l0", G * H, H);
        Initializers.Orthogonal(whh, new DeterministicRandom(11), blockRows: H);
        float[] w = whh.Value.ToArray();
        for (int g = 0; g < G; g++)
        {
            double error = OrthonormalityError(w, g * H * H, H, H);
            output.WriteLine($"gate {g}: max |W W^T - I| = {error:E2} (tolerance 1e-5)");
            Assert.True(error <= 1e-5);
        }
        // Independent blocks: the gates differ (the whole [4H, H] matrix cannot have orthonormal columns times 4).
        Assert.NotEqual(w.AsSpan(0, H * H).ToArray(), w.AsSpan(H * H, H * H).ToArray());
    }

    [Fact]
    public void Orthogonal_rejects_block_that_does_not_divide_rows()
    {
        var set = new ParameterSet();
        var p = set.Add("w", 10, 4);
        var e = Assert.Throws<ArgumentException>(() => Initializers.Orthogonal(p, new DeterministicRandom(1), blockRows: 4));
        Assert.Contains("'blockRows' was 4", e.Message);
    }

    [Fact]
    public void Glorot_stays_within_bound_and_fills_it()
    {
        var set = new ParameterSet();
        var p = set.Add("w", 30, 50);
        Initializers.GlorotUniform(p, new DeterministicRandom(3));
        double bound = Math.Sqrt(6.0 / 80);
        Assert.Equal(bound, Initializers.GlorotUniformBound(50, 30), 1e-15);
        float max = 0;
        double sumSquares = 0;
        foreach (float v in p.Value)
        {
            max = Math.Max(max, Math.Abs(v));
            sumSquares += v * v;
        }
        double variance = sumSquares / p.Length;
        output.WriteLine($"bound {bound}, max |w| {max}, variance {variance} (U(-a, a) has a^2/3 = {bound * bound / 3})");
        Assert.True(max <= bound);
        Assert.True(max > 0.95 * bound);
        Assert.Equal(bound * bound / 3, variance, 0.1 * bound * bound / 3);
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_another_seed_does_not()
    {
        float[] Draw(long seed)
        {
            var set = new ParameterSet();
            var a = set.Add("a", 8, 8);
            var b = set.Add("b", 12, 5);
            var random = new DeterministicRandom(seed);
            Initializers.Orthogonal(a, random, blockRows: 4);
            Initializers.GlorotUniform(b, random);
            return set.Values;
        }
        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
        // System.Random with a seed is deterministic too.
        var x = new float[20];
        var y = new float[20];
        Initializers.Uniform(x, 0.5, new Random(9));
        Initializers.Uniform(y, 0.5, new Random(9));
        Assert.Equal(x, y);
        Assert.All(x, v => Assert.InRange(v, -0.5f, 0.5f));
    }

    [Fact]
    public void Lstm_forget_gate_bias_sums_to_one()
    {
        const int H = 3;
        var set = new ParameterSet();
        set.Add("lstm.weight_ih_l0", 4 * H, 2);
        var ih0 = set.Add("lstm.bias_ih_l0", 4 * H);
        var hh0 = set.Add("lstm.bias_hh_l0", 4 * H);
        var ih0r = set.Add("lstm.bias_ih_l0_reverse", 4 * H);
        var hh0r = set.Add("lstm.bias_hh_l0_reverse", 4 * H);
        var random = new DeterministicRandom(1);
        foreach (var p in set.Parameters) Initializers.Uniform(p, 0.3, random);
        float[] before = set.Values.ToArray();

        Assert.Equal(2, Initializers.LstmForgetGateBias(set, "lstm."));

        foreach (var (ih, hh) in new[] { (ih0, hh0), (ih0r, hh0r) })
        {
            for (int j = 0; j < 4 * H; j++)
            {
                bool forget = j >= H && j < 2 * H;
                float sum = ih.Value[j] + hh.Value[j];
                if (forget) Assert.Equal(1f, sum);
                else Assert.Equal(before[ih.Offset + j] + before[hh.Offset + j], sum);
            }
        }
        var e = Assert.Throws<ArgumentException>(() => Initializers.LstmForgetGateBias(set, "gru."));
        Assert.Contains("\"gru.\"", e.Message);
    }

    private static double OrthonormalityError(float[] w, int offset, int rows, int cols)
    {
        // Gram matrix of the shorter side: W W^T when rows <= cols, else W^T W.
        bool byRows = rows <= cols;
        int n = byRows ? rows : cols, len = byRows ? cols : rows;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int k = 0; k < len; k++)
                {
                    double a = byRows ? w[offset + i * cols + k] : w[offset + k * cols + i];
                    double b = byRows ? w[offset + j * cols + k] : w[offset + k * cols + j];
                    dot += a * b;
                }
                worst = Math.Max(worst, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }
}
