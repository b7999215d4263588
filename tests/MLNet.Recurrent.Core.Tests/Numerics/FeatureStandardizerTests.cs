using MLNet.Recurrent.Core.Numerics;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Numerics;

public sealed class FeatureStandardizerTests(ITestOutputHelper output)
{
    [Fact]
    public void Moments_match_two_pass_reference_and_apply_standardizes()
    {
        const int d = 3;
        var random = new Random(5);
        var chunks = Enumerable.Range(0, 20).Select(_ =>
            Enumerable.Range(0, d * (1 + random.Next(5))).Select(i => 1000f * (i % d) + (float)random.NextDouble() * (1 + i % d)).ToArray()).ToArray();
        var moments = new FeatureMoments(d);
        foreach (float[] c in chunks) moments.Add(c);

        // Reference: two passes in double.
        float[] all = chunks.SelectMany(c => c).ToArray();
        int n = all.Length / d;
        double[] mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(t => (double)all[t * d + j])).ToArray();
        double[] std = Enumerable.Range(0, d).Select(j => Math.Sqrt(Enumerable.Range(0, n).Average(t => Math.Pow(all[t * d + j] - mean[j], 2)))).ToArray();

        FeatureStandardizer s = moments.ToStandardizer();
        Assert.Equal(n, moments.FrameCount);
        double maxRel = 0;
        for (int j = 0; j < d; j++)
        {
            maxRel = Math.Max(maxRel, Math.Abs(s.Mean[j] - mean[j]) / Math.Abs(mean[j] + 1));
            maxRel = Math.Max(maxRel, Math.Abs(s.StandardDeviation[j] - std[j]) / std[j]);
        }
        var result = new float[all.Length];
        s.Apply(all, result);
        double maxOut = 0;
        for (int i = 0; i < all.Length; i++) maxOut = Math.Max(maxOut, Math.Abs(result[i] - (all[i] - mean[i % d]) / std[i % d]));
        output.WriteLine($"max relative error of mean/std {maxRel:E2} (tolerance 1e-6); max output error {maxOut:E2} (tolerance 1e-4)");
        Assert.True(maxRel < 1e-6);
        Assert.True(maxOut < 1e-4);
    }

    [Fact]
    public void Constant_feature_maps_to_zero()
    {
        var moments = new FeatureMoments(2);
        moments.Add([4f, 1f, 4f, 3f]);
        FeatureStandardizer s = moments.ToStandardizer();
        Assert.Equal(1f, s.StandardDeviation[0]);
        var y = new float[4];
        s.Apply([4f, 1f, 4f, 3f], y);
        Assert.Equal([0f, -1f, 0f, 1f], y);
    }

    [Fact]
    public void Non_finite_values_and_partial_frames_are_rejected()
    {
        var moments = new FeatureMoments(2);
        var e = Assert.Throws<ArgumentException>(() => moments.Add([1f, float.NaN]));
        Assert.StartsWith("'frames' was NaN; every value must be finite (frame 0, feature 1).", e.Message);
        var partial = Assert.Throws<ArgumentException>(() => new FeatureMoments(2).Add([1f, 2f, 3f]));
        Assert.StartsWith("'frames' was \"length 3\"; it must be a multiple of the feature count 2.", partial.Message);
        Assert.Throws<InvalidOperationException>(() => new FeatureMoments(2).ToStandardizer());
    }

    [Fact]
    public void Write_then_read_round_trips()
    {
        var original = new FeatureStandardizer([1.5f, -2f, 0.25f], [0.5f, 3f, 1e-3f]);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) original.WriteTo(w);
        Assert.Equal(4 + 2 * 3 * 4, stream.Length);
        stream.Position = 0;
        FeatureStandardizer copy = FeatureStandardizer.ReadFrom(new BinaryReader(stream));
        Assert.Equal(original.Mean.ToArray(), copy.Mean.ToArray());
        Assert.Equal(original.StandardDeviation.ToArray(), copy.StandardDeviation.ToArray());
    }
}
