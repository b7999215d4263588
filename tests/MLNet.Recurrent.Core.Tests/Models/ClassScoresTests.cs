using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Core.Tests.Models;

public sealed class ClassScoresTests
{
    [Theory]
    [InlineData(0.3f, 1.7f)]
    [InlineData(-2f, -9f)]
    [InlineData(40f, -40f)]
    public void Log_odds_is_the_log_of_the_probability_ratio(float z0, float z1)
    {
        double p0 = Math.Exp(z0) / (Math.Exp(z0) + Math.Exp(z1)), p1 = 1 - p0;
        float logOdds = ClassScores.LogOdds([z0, z1]);
        Assert.Equal(z1 - z0, logOdds);
        if (p0 > 1e-12 && p1 > 1e-12) Assert.Equal(Math.Log(p1 / p0), logOdds, 4);
        Assert.Equal(p1 > 0.5, logOdds > 0);
    }

    [Fact]
    public void Predicted_class_is_the_first_maximum()
    {
        Assert.Equal(2, ClassScores.PredictedClass([0.1f, 0.2f, 0.6f, 0.1f]));
        Assert.Equal(0, ClassScores.PredictedClass([0.5f, 0.5f]));
        Assert.Throws<ArgumentException>(() => ClassScores.PredictedClass([]));
        Assert.Throws<ArgumentException>(() => ClassScores.LogOdds([1f, 2f, 3f]));
    }
}
