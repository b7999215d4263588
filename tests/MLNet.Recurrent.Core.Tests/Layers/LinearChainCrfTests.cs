using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Parameters;
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
    public void With_93_tags_the_exp_space_and_log_space_paths_agree_and_steady_state_calls_allocate_nothing()
    {
        // The Brown corpus' base tag set has 93 tags: too many paths for brute force, so the two recursions check each other.
        const int k = 93, t = 12, b = 3;
        int[] lengths = [12, 7, 1];
        var rng = new Random(14);
        int[] tags = Enumerable.Range(0, t * b).Select(_ => rng.Next(k)).ToArray();
        using var emissions = TensorOf(Uniform(15, t * b * k, 4f), t, b, k);
        var results = new List<(double Loss, float[] DE, float[] DP, float[] Marginals, int[] Path)>();
        foreach (bool logSpace in new[] { false, true })
        {
            var parameters = new ParameterSet();
            var crf = new LinearChainCrf(parameters, k, CrfReduction.StepMean) { ForceLogSpace = logSpace };
            Uniform(16, parameters.Count, 2f).CopyTo(parameters.Values, 0);
            using Tensor dE = new(0), marginals = new(0);
            var path = new int[t * b];
            double Step()
            {
                parameters.ZeroGradients();
                double loss = crf.Forward(emissions, lengths, tags);
                crf.Backward(dE);
                crf.Decode(emissions, lengths, path);
                crf.Marginals(emissions, lengths, marginals);
                return loss;
            }
            double first = Step();
            double second = 0;
            long allocated = SteadyState.AllocatedBytes(() => second = Step());
            output.WriteLine($"{(logSpace ? "log space" : "exp space")}: loss {first:R}; {allocated} bytes allocated by the second step");
            Assert.Equal(first, second);
            Assert.Equal(0, allocated);
            results.Add((first, dE.Span.ToArray(), (float[])parameters.Gradients.Clone(), marginals.Span.ToArray(), path));
        }
        var (fast, slow) = (results[0], results[1]);
        double gradDiff = fast.DE.Zip(slow.DE, (x, y) => Math.Abs(x - y)).Concat(fast.DP.Zip(slow.DP, (x, y) => Math.Abs(x - y))).Max();
        double marginalDiff = fast.Marginals.Zip(slow.Marginals, (x, y) => Math.Abs(x - y)).Max();
        output.WriteLine($"|loss diff| {Math.Abs(fast.Loss - slow.Loss):E2}, max |gradient diff| {gradDiff:E2}, max |marginal diff| {marginalDiff:E2}");
        Assert.Equal(slow.Loss, fast.Loss, 1e-10 * Math.Abs(slow.Loss));
        Assert.True(gradDiff < 1e-6, $"gradients differ by {gradDiff:E2} (tolerance 1e-6)");
        Assert.True(marginalDiff < 1e-6, $"marginals differ by {marginalDiff:E2} (tolerance 1e-6)");
        Assert.Equal(slow.Path, fast.Path);
    }

    [Fact]
    public void A_stream_of_filter_steps_gives_the_brute_force_probabilities_of_each_prefix()
    {
        var (crf, _) = Build();
        using var emissions = TensorOf(Uniform(17, T * B * K, 2f), T, B, K);
        const int b = 0;   // the full-length sequence
        var alpha = new double[K];
        var probabilities = new float[K];
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            crf.FilterStep(emissions.Span.Slice((t * B + b) * K, K), alpha, first: t == 0, probabilities);
            // p(y_t = k | e_0..e_t): paths over the prefix, without the end transition (the stream has not ended).
            int[][] paths = BruteForce.Paths(K, t + 1).ToArray();
            double[] scores = paths.Select(p => BruteForce.Score(crf, emissions, b, p) - crf.EndTransitions.Value[p[^1]]).ToArray();
            double z = BruteForce.LogSumExp(scores);
            for (int k = 0; k < K; k++)
            {
                double expected = paths.Select((p, i) => p[t] == k ? Math.Exp(scores[i] - z) : 0).Sum();
                worst = Math.Max(worst, Math.Abs(expected - probabilities[k]));
            }
        }
        output.WriteLine($"filtered probabilities: max |diff| from brute force {worst:E2} (tolerance 1e-6)");
        Assert.True(worst < 1e-6, $"max |diff| {worst:E2}");
        Assert.Contains("'emission' was \"length 2\"", Assert.Throws<ArgumentException>(() => crf.FilterStep(new float[2], alpha, false, probabilities)).Message);
    }

    [Fact]
    public void Transitions_alone_learn_a_cycle_that_emissions_do_not_show()
    {
        // Tags cycle 0, 1, 2, 0, ... from a random phase; emissions are noise and give away only the first tag. A
        // per-step softmax cannot beat chance (log 3 = 1.0986 nats per later step); the CRF learns it from transitions.
        const int t = 4, b = 5;
        var parameters = new ParameterSet();
        var crf = new LinearChainCrf(parameters, K, CrfReduction.StepMean);
        crf.Initialize(new Random(18));
        var rng = new Random(19);
        int[] lengths = [4, 3, 4, 2, 4];
        using var emissions = new Tensor(t, b, K);
        using var dE = new Tensor(0);
        var tags = new int[t * b];
        double first = 0, loss = 0;
        for (int update = 0; update < 300; update++)
        {
            emissions.Span.Clear();
            for (int j = 0; j < b; j++)
            {
                int phase = rng.Next(K);
                for (int step = 0; step < t; step++) tags[step * b + j] = (phase + step) % K;
                for (int step = 0; step < t; step++)
                    for (int k = 0; k < K; k++) emissions.Span[(step * b + j) * K + k] = step == 0 && k == phase ? 3f : (float)(rng.NextDouble() - 0.5);
            }
            parameters.ZeroGradients();
            loss = crf.Forward(emissions, lengths, tags);
            if (update == 0) first = loss;
            crf.Backward(dE);
            for (int i = 0; i < parameters.Count; i++) parameters.Values[i] -= 1.0f * parameters.Gradients[i];
        }
        var decoded = new int[t * b];
        crf.Decode(emissions, lengths, decoded);
        output.WriteLine($"loss per step: {first:F4} at the first update, {loss:F4} after 300 (SGD, learning rate 1)");
        Assert.True(loss < 0.1, $"loss {loss:F4} (expected below 0.1 nats per step)");
        for (int j = 0; j < b; j++)
            for (int step = 0; step < lengths[j]; step++) Assert.Equal(tags[step * b + j], decoded[step * b + j]);
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
