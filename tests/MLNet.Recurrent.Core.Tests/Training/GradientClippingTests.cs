using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

public sealed class GradientClippingTests(ITestOutputHelper output)
{
    // PyTorch sums in float32, the engine in double: norms and clipped gradients agree to 1e-6 relative.
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData("above")]
    [InlineData("below")]
    public void Clip_by_global_norm_matches_PyTorch(string label)
    {
        var f = Fixture.Load("clip_grad_norm");
        var set = new ParameterSet();
        var a = set.Add("a", 3, 4);
        var b = set.Add("b", 5);
        f.Data("grad_a").CopyTo(a.Gradient);
        f.Data("grad_b").CopyTo(b.Gradient);
        double maxNorm = f.Config.GetProperty(label + "_max_norm").GetDouble();

        double norm = GradientClipping.ClipByGlobalNorm(set, maxNorm);

        double expectedNorm = f.Data(label + "_norm")[0];
        double normError = Math.Abs(norm - expectedNorm) / expectedNorm;
        double gradError = Math.Max(Fixture.MaxAbsDiff(f.Data(label + "_grad_a"), a.Gradient), Fixture.MaxAbsDiff(f.Data(label + "_grad_b"), b.Gradient));
        output.WriteLine($"{label}: norm {norm} vs PyTorch {expectedNorm} (relative {normError:E2}); max gradient difference {gradError:E2}");
        Assert.True(normError <= Tolerance);
        Assert.True(gradError <= Tolerance);
        if (label == "above") Assert.Equal(maxNorm, GradientClipping.GlobalNorm(set.Gradients), 1e-5);
    }

    [Fact]
    public void Global_norm_of_known_vector() => Assert.Equal(13.0, GradientClipping.GlobalNorm([3, 4, 12]));

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_norm_is_reported_and_gradients_left_alone(float bad)
    {
        var set = new ParameterSet();
        var p = set.Add("w", 6);
        float[] before = [100, -200, bad, 3, 4, 5];
        before.CopyTo(p.Gradient);
        double norm = GradientClipping.ClipByGlobalNorm(set, 1.0);
        Assert.False(double.IsFinite(norm));
        Assert.Equal(before, set.Gradients);
        double largest = GradientClipping.ClipByValue(set, 1.0);
        Assert.False(double.IsFinite(largest));
        Assert.Equal(before, set.Gradients);
    }

    [Fact]
    public void Clip_by_value_clamps_and_returns_largest_magnitude()
    {
        var set = new ParameterSet();
        var p = set.Add("w", 5);
        new float[] { 0.5f, -3f, 2f, -0.25f, 1f }.CopyTo(p.Gradient);
        Assert.Equal(3.0, GradientClipping.ClipByValue(set, 1.5));
        Assert.Equal(new float[] { 0.5f, -1.5f, 1.5f, -0.25f, 1f }, set.Gradients);
    }

    [Fact]
    public void Rejects_non_positive_max_norm()
    {
        var set = new ParameterSet();
        set.Add("w", 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(set, 0));
        Assert.Contains("'maxNorm' was 0", e.Message);
    }
}
