using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Tests.Training;

public sealed class ScheduleTests
{
    // Expected values are worked by hand from the formulas in the docs; compared to 1e-12.
    private const double Tolerance = 1e-12;

    [Fact]
    public void Constant_is_constant()
    {
        var s = new ConstantSchedule(0.003);
        Assert.Equal(0.003, s.Rate(0));
        Assert.Equal(0.003, s.Rate(1_000_000));
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.05)]
    [InlineData(5, 0.05)]
    [InlineData(6, 0.025)]
    [InlineData(10, 0.0125)]
    public void Step_halves_every_three_steps(long step, double expected) =>
        Assert.Equal(expected, new StepSchedule(0.1, stepSize: 3, gamma: 0.5).Rate(step), Tolerance);

    [Theory]
    [InlineData(0, 0.25)]          // warm-up: peak * 1/4
    [InlineData(1, 0.5)]
    [InlineData(3, 1.0)]           // the last warm-up step reaches the peak
    [InlineData(4, 1.0)]           // decay starts at the peak: cos(0) = 1
    [InlineData(9, 0.55)]          // halfway (5 of 10): min + (peak - min) / 2
    [InlineData(14, 0.1)]          // total: the minimum
    [InlineData(100, 0.1)]
    public void WarmupCosine(long step, double expected) =>
        Assert.Equal(expected, new WarmupCosineSchedule(peakRate: 1.0, warmupSteps: 4, totalSteps: 14, minimumRate: 0.1).Rate(step), Tolerance);

    [Fact]
    public void Warmup_cosine_quarter_point()
    {
        // progress 0.25: min + (peak - min) * (1 + cos(pi/4)) / 2
        double expected = 0.1 + 0.9 * (1 + Math.Sqrt(0.5)) / 2;
        Assert.Equal(expected, new WarmupCosineSchedule(1.0, 0, 8, 0.1).Rate(2), Tolerance);
    }

    [Fact]
    public void Rejects_total_not_after_warmup()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1.0, 10, 10));
        Assert.Contains("'totalSteps' was 10", e.Message);
    }
}
