using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using static MLNet.Recurrent.Core.Tests.Layers.LayerTestData;

namespace MLNet.Recurrent.Core.Tests.Layers;

public sealed class LinearChainCrfTests(ITestOutputHelper output)
{
    private const int K = 3, T = 4, B = 5;
    private static readonly int[] Lengths = [4, 2, 0, 1, 3];

    private static (LinearChainCrf Crf, ParameterSet Parameters) Build(CrfReduction reduction = CrfReduction.Sum, int seed = 1, bool logSpace = false)
    {
        var parameters = new ParameterSet();
        var crf = new LinearChainCrf(parameters, K, reduction, "crf.") { ForceLogSpace = logSpace };
        // Scores well away from pytorch-crf's U(-0.1, 0.1) start, so transitions matter in every check.
        Uniform(seed, parameters.Count, 1.5f).CopyTo(parameters.Values, 0);
        return (crf, parameters);
    }

    /// <summary>Gold tags [T, B] time-major: random on real steps, -1 on padding.</summary>
    private static int[] GoldTags(int seed)
    {
        var rng = new Random(seed);
        var tags = new int[T * B];
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                tags[t * B + b] = t < Lengths[b] ? rng.Next(K) : -1;
        return tags;
    }

    [Theory]
    [InlineData(CrfReduction.Sum, 1.0, false)]
    [InlineData(CrfReduction.StepMean, 10.0, false)]
    [InlineData(CrfReduction.SequenceMean, 4.0, false)]
    [InlineData(CrfReduction.Sum, 1.0, true)]
    public void Loss_equals_brute_force_enumeration_of_all_tag_paths(CrfReduction reduction, double denominator, bool logSpace)
    {
        var (crf, _) = Build(reduction, logSpace: logSpace);
        using var emissions = TensorOf(Uniform(2, T * B * K, 2f), T, B, K);
        int[] tags = GoldTags(3);
        double loss = crf.Forward(emissions, Lengths, tags);

        double nll = 0;
        for (int b = 0; b < B; b++)
        {
            if (Lengths[b] == 0) continue;
            var paths = BruteForce.Paths(K, Lengths[b]).Select(p => BruteForce.Score(crf, emissions, b, p)).ToArray();
            double gold = BruteForce.Score(crf, emissions, b, Enumerable.Range(0, Lengths[b]).Select(t => tags[t * B + b]).ToArray());
            nll += BruteForce.LogSumExp(paths) - gold;
        }
        output.WriteLine($"{reduction}{(logSpace ? " (log space)" : "")}: layer {loss:R}, brute force {nll / denominator:R}, |diff| {Math.Abs(loss - nll / denominator):E2}");
        Assert.Equal(nll / denominator, loss, 1e-10);
        Assert.Equal(nll, crf.NllSum, 1e-10);
        Assert.Equal(10, crf.StepCount);
        Assert.Equal(4, crf.SequenceCount);
    }

    [Fact]
    public void Viterbi_equals_the_brute_force_argmax_and_marks_padding_minus_one()
    {
        var (crf, _) = Build();
        using var emissions = TensorOf(Uniform(4, T * B * K, 2f), T, B, K);
        var tags = new int[T * B];
        var scores = new double[B];
        crf.Decode(emissions, Lengths, tags, scores);
        for (int b = 0; b < B; b++)
        {
            int[] decoded = Enumerable.Range(0, T).Select(t => tags[t * B + b]).ToArray();
            Assert.All(decoded[Lengths[b]..], tag => Assert.Equal(-1, tag));
            if (Lengths[b] == 0)
            {
                Assert.Equal(0, scores[b]);
                continue;
            }
            int[] best = BruteForce.Paths(K, Lengths[b]).MaxBy(p => BruteForce.Score(crf, emissions, b, p))!;
            output.WriteLine($"sequence {b}: viterbi [{string.Join(",", decoded[..Lengths[b]])}] score {scores[b]:F6}, brute force [{string.Join(",", best)}]");
            Assert.Equal(best, decoded[..Lengths[b]]);
            Assert.Equal(BruteForce.Score(crf, emissions, b, best), scores[b], 1e-10);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Marginals_sum_to_one_per_step_and_match_brute_force(bool logSpace)
    {
        var (crf, _) = Build(logSpace: logSpace);
        using var emissions = TensorOf(Uniform(5, T * B * K, 2f), T, B, K);
        using var marginals = new Tensor(0);
        var logZ = new double[B];
        crf.Marginals(emissions, Lengths, marginals, logZ);
        Assert.Equal(new[] { T, B, K }, marginals.Shape.ToArray());
        double worst = 0;
        for (int b = 0; b < B; b++)
        {
            for (int t = Lengths[b]; t < T; t++)
                Assert.All(marginals.Span.Slice((t * B + b) * K, K).ToArray(), m => Assert.Equal(0f, m));
            if (Lengths[b] == 0) continue;
            int[][] paths = BruteForce.Paths(K, Lengths[b]).ToArray();
            double[] scores = paths.Select(p => BruteForce.Score(crf, emissions, b, p)).ToArray();
            double z = BruteForce.LogSumExp(scores);
            Assert.Equal(z, logZ[b], 1e-10);
            for (int t = 0; t < Lengths[b]; t++)
            {
                ReadOnlySpan<float> row = marginals.Span.Slice((t * B + b) * K, K);
                double sum = 0;
                for (int k = 0; k < K; k++)
                {
                    double expected = 0;
                    for (int p = 0; p < paths.Length; p++) if (paths[p][t] == k) expected += Math.Exp(scores[p] - z);
                    worst = Math.Max(worst, Math.Abs(expected - row[k]));
                    sum += row[k];
                }
                Assert.Equal(1.0, sum, 1e-6);
            }
        }
        output.WriteLine($"marginals: max |diff| from brute force {worst:E2} (tolerance 1e-6, float32 output)");
        Assert.True(worst < 1e-6, $"max |diff| {worst:E2}");
    }

    [Theory]
    [InlineData(CrfReduction.Sum, 1f, false)]
    [InlineData(CrfReduction.StepMean, 0.5f, false)]
    [InlineData(CrfReduction.Sum, 1f, true)]
    public void Gradients_match_finite_differences(CrfReduction reduction, float lossGradient, bool logSpace)
    {
        var (crf, parameters) = Build(reduction, logSpace: logSpace);
        using var emissions = TensorOf(Uniform(6, T * B * K, 2f), T, B, K);
        int[] tags = GoldTags(7);
        using var dE = new Tensor(0);
        crf.Forward(emissions, Lengths, tags);
        parameters.ZeroGradients();
        crf.Backward(dE, lossGradient);
        float[] analyticE = dE.Span.ToArray();
        float[] analyticP = (float[])parameters.Gradients.Clone();

        double Loss() => lossGradient * crf.Forward(emissions, Lengths, tags);
        var targets = new List<GradientCheck.Target> { new("emissions", emissions.Array, 0, emissions.Length, analyticE, 0) };
        targets.AddRange(parameters.Parameters.Select(p => new GradientCheck.Target(p.Name, parameters.Values, p.Offset, p.Length, analyticP, p.Offset)));
        double error = GradientCheck.MaxRelativeError(Loss, targets, output, eps: 1e-2f, floor: 1e-3);
        Assert.True(error < 1e-4, $"max relative error {error:E2} (tolerance 1e-4: double sums, float32 inputs, central differences with eps 1e-2)");

        // Parameter gradients accumulate; the emission gradient is overwritten.
        crf.Forward(emissions, Lengths, tags);
        crf.Backward(dE, lossGradient);
        for (int i = 0; i < analyticP.Length; i++) Assert.Equal(2 * analyticP[i], parameters.Gradients[i], 1e-5);
        Assert.Equal(analyticE, dE.Span.ToArray());
    }

    [Fact]
    public void Padded_steps_beyond_a_length_contribute_nothing()
    {
        var (crf, parameters) = Build(CrfReduction.StepMean);
        float[] values = Uniform(8, T * B * K, 2f);
        using var emissions = TensorOf(values, T, B, K);
        int[] tags = GoldTags(9);
        using var dE = new Tensor(0);
        double loss = crf.Forward(emissions, Lengths, tags);
        parameters.ZeroGradients();
        crf.Backward(dE);
        float[] gradE = dE.Span.ToArray(), gradP = (float[])parameters.Gradients.Clone();
        var decoded = new int[T * B];
        crf.Decode(emissions, Lengths, decoded);

        // Garbage (even NaN) scores and out-of-range tags on padding change nothing.
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                if (t < Lengths[b]) continue;
                emissions.Span.Slice((t * B + b) * K, K).Fill(t == 3 ? float.NaN : 1e6f);
                tags[t * B + b] = 99;
            }
        Assert.Equal(loss, crf.Forward(emissions, Lengths, tags));
        parameters.ZeroGradients();
        crf.Backward(dE);
        Assert.Equal(gradE, dE.Span.ToArray());
        Assert.Equal(gradP, parameters.Gradients);
        var again = new int[T * B];
        crf.Decode(emissions, Lengths, again);
        Assert.Equal(decoded, again);
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                if (t >= Lengths[b]) Assert.All(gradE.AsSpan((t * B + b) * K, K).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Huge_scores_give_a_finite_loss_equal_to_brute_force()
    {
        var (crf, _) = Build();
        using var emissions = TensorOf(Uniform(10, T * B * K, 5000f), T, B, K);
        int[] tags = GoldTags(11);
        double loss = crf.Forward(emissions, Lengths, tags);
        double nll = 0;
        for (int b = 0; b < B; b++)
        {
            if (Lengths[b] == 0) continue;
            double z = BruteForce.LogSumExp(BruteForce.Paths(K, Lengths[b]).Select(p => BruteForce.Score(crf, emissions, b, p)).ToArray());
            nll += z - BruteForce.Score(crf, emissions, b, Enumerable.Range(0, Lengths[b]).Select(t => tags[t * B + b]).ToArray());
        }
        output.WriteLine($"emissions in U(-5000, 5000): loss {loss:R}, brute force {nll:R}");
        Assert.True(double.IsFinite(loss));
        Assert.Equal(nll, loss, 1e-6 * Math.Abs(nll));
    }

    [Fact]
    public void Transitions_spanning_more_than_600_nats_take_the_log_space_path_and_still_equal_brute_force()
    {
        var (crf, parameters) = Build();
        crf.Transitions.Value[1] = -900f;   // 0 -> 1 all but forbidden: exp(-900) underflows a double
        crf.Transitions.Value[5] = 300f;
        using var emissions = TensorOf(Uniform(12, T * B * K, 2f), T, B, K);
        int[] tags = GoldTags(13);
        tags[0] = 0;
        tags[B] = 2;
        double loss = crf.Forward(emissions, Lengths, tags);
        using var dE = new Tensor(0);
        parameters.ZeroGradients();
        crf.Backward(dE);
        double nll = 0;
        for (int b = 0; b < B; b++)
        {
            if (Lengths[b] == 0) continue;
            double z = BruteForce.LogSumExp(BruteForce.Paths(K, Lengths[b]).Select(p => BruteForce.Score(crf, emissions, b, p)).ToArray());
            nll += z - BruteForce.Score(crf, emissions, b, Enumerable.Range(0, Lengths[b]).Select(t => tags[t * B + b]).ToArray());
        }
        output.WriteLine($"transitions in [-900, 300]: loss {loss:R}, brute force {nll:R}");
        Assert.Equal(nll, loss, 1e-9 * Math.Abs(nll));
        Assert.All(dE.Span.ToArray(), g => Assert.True(float.IsFinite(g)));
        Assert.All(parameters.Gradients, g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Bad_shapes_lengths_tags_and_scores_are_rejected_by_name()
    {
        var (crf, _) = Build();
        using var emissions = new Tensor(T, B, K);
        int[] tags = new int[T * B];
        using var wrongK = new Tensor(T, B, K + 1);
        Assert.Contains("'emissions'", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(wrongK, Lengths, tags)).Message);
        using var rank2 = new Tensor(T * B, K);
        Assert.Contains("'emissions'", Assert.ThrowsAny<ArgumentException>(() => crf.Decode(rank2, Lengths, tags)).Message);
        Assert.Contains("'lengths' was \"length 4\"; it must hold B (one per sequence) = 5", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(emissions, [4, 2, 0, 1], tags)).Message);
        Assert.Contains("'lengths[1]' was 5", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(emissions, [4, 5, 0, 1, 3], tags)).Message);
        Assert.Contains("'lengths[2]' was -1", Assert.ThrowsAny<ArgumentException>(() => crf.Marginals(emissions, [4, 2, -1, 1, 3], new Tensor(0))).Message);
        Assert.Contains("'tags' was \"length 19\"; it must hold T * B = 20", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(emissions, Lengths, new int[19])).Message);
        int[] badTag = new int[T * B];
        badTag[1 * B + 1] = K;
        Assert.Contains("'tags[6]' was 3", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(emissions, Lengths, badTag)).Message);
        emissions.Span[(2 * B + 0) * K + 1] = float.NaN;
        Assert.Contains("'emissions[2, 0, 1]' was NaN", Assert.ThrowsAny<ArgumentException>(() => crf.Forward(emissions, Lengths, tags)).Message);
        Assert.Contains("'classCount' was 0", Assert.ThrowsAny<ArgumentException>(() => new LinearChainCrf(new ParameterSet(), 0)).Message);
        var (fresh, _) = Build();
        Assert.Contains("before Forward", Assert.Throws<InvalidOperationException>(() => fresh.Backward(new Tensor(0))).Message);
    }

    /// <summary>Enumeration of all K^L tag paths, scored in double exactly as the model defines s(y).</summary>
    private static class BruteForce
    {
        public static IEnumerable<int[]> Paths(int k, int length)
        {
            int count = (int)Math.Pow(k, length);
            for (int n = 0; n < count; n++)
            {
                var path = new int[length];
                for (int t = 0, rest = n; t < length; t++, rest /= k) path[t] = rest % k;
                yield return path;
            }
        }

        public static double Score(LinearChainCrf crf, Tensor emissions, int b, int[] path)
        {
            ReadOnlySpan<float> e = emissions.Span, a = crf.Transitions.Value;
            double s = crf.StartTransitions.Value[path[0]] + (double)crf.EndTransitions.Value[path[^1]];
            for (int t = 0; t < path.Length; t++)
            {
                s += e[(t * B + b) * K + path[t]];
                if (t > 0) s += a[path[t - 1] * K + path[t]];
            }
            return s;
        }

        public static double LogSumExp(double[] x)
        {
            double max = x.Max();
            return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
        }
    }
}
