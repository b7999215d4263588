using MLNet.Recurrent.Core.Decoding;

namespace MLNet.Recurrent.Core.Tests.Decoding;

public class SamplerTests
{
    private static readonly float[] Logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];

    private static double[] Frequencies(SamplingOptions options, int draws)
    {
        var sampler = new Sampler(options);
        var counts = new double[Logits.Length];
        for (int i = 0; i < draws; i++) counts[sampler.Next(Logits)]++;
        return counts.Select(c => c / draws).ToArray();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void Draws_follow_the_tempered_softmax(double temperature)
    {
        var expected = Logits.Select(l => Math.Exp(l / temperature)).ToArray();
        double z = expected.Sum();
        var observed = Frequencies(new SamplingOptions { Temperature = (float)temperature, Seed = 3 }, 40_000);
        for (int i = 0; i < Logits.Length; i++) Assert.Equal(expected[i] / z, observed[i], 0.01);
    }

    [Fact]
    public void Top_k_and_top_p_keep_only_the_most_likely_tokens_renormalized()
    {
        var topK = Frequencies(new SamplingOptions { TopK = 2, Seed = 1 }, 20_000);
        Assert.Equal(0.5 / 0.8, topK[0], 0.015);
        Assert.Equal(0.0, topK[2] + topK[3]);

        // 0.5 + 0.3 = 0.8 reaches 0.75: the nucleus is the first two tokens.
        var topP = Frequencies(new SamplingOptions { TopP = 0.75f, Seed = 1 }, 20_000);
        Assert.Equal(0.3 / 0.8, topP[1], 0.015);
        Assert.Equal(0.0, topP[2] + topP[3]);
    }

    [Fact]
    public void Zero_temperature_and_top_k_one_are_greedy_and_seeds_repeat()
    {
        float[] logits = [0.1f, 2f, 1.9f];
        Assert.Equal(1, new Sampler(new SamplingOptions { Temperature = 0 }).Next(logits));
        Assert.Equal(1, new Sampler(new SamplingOptions { TopK = 1, Temperature = 5 }).Next(logits));

        var a = new Sampler(new SamplingOptions { Seed = 42 });
        var b = new Sampler(new SamplingOptions { Seed = 42 });
        var c = new Sampler(new SamplingOptions { Seed = 43 });
        var da = Enumerable.Range(0, 50).Select(_ => a.Next(Logits)).ToArray();
        Assert.Equal(da, Enumerable.Range(0, 50).Select(_ => b.Next(Logits)).ToArray());
        Assert.NotEqual(da, Enumerable.Range(0, 50).Select(_ => c.Next(Logits)).ToArray());
    }

    [Theory]
    [InlineData(-1f, 0, 1f, "'Temperature' was -1")]
    [InlineData(float.NaN, 0, 1f, "'Temperature' was NaN")]
    [InlineData(1f, -2, 1f, "'TopK' was -2")]
    [InlineData(1f, 0, 0f, "'TopP' was 0")]
    [InlineData(1f, 0, 1.5f, "'TopP' was 1.5")]
    public void Bad_options_are_rejected_by_name_and_value(float temperature, int topK, float topP, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new Sampler(new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP }));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(float.Epsilon, "'Temperature' was 1E-45")]
    [InlineData(1e-39f, "'Temperature' was 1E-39")]
    public void Temperatures_whose_inverse_can_overflow_are_rejected_naming_the_limit(float temperature, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new SamplingOptions { Temperature = temperature }));
        Assert.Contains(expected, e.Message);
        Assert.Contains("at least 1.1754944E-38", e.Message);
    }

    [Fact]
    public void The_smallest_accepted_temperature_always_draws_the_most_likely_token()
    {
        var sampler = new Sampler(new SamplingOptions { Temperature = 1.17549435E-38f, Seed = 5 });
        Assert.All(Enumerable.Range(0, 200).Select(_ => sampler.Next(Logits)), token => Assert.Equal(0, token));
    }

    [Fact]
    public void Nan_logits_raise_instead_of_returning_a_token()
    {
        var e = Assert.Throws<ArgumentException>(() => Sampler.ArgMax([float.NaN, float.NaN]));
        Assert.Contains("NaN", e.Message);
    }
}
