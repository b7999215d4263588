using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Core.Tests.Models;

public sealed class TeacherForcingScheduleTests
{
    [Fact]
    public void Each_decay_gives_the_probability_of_bengio_et_al_at_chosen_steps()
    {
        var constant = new TeacherForcingSchedule(TeacherForcingDecay.Constant, 0.75, 0, 0);
        var linear = new TeacherForcingSchedule(TeacherForcingDecay.Linear, 1, 0.001, 0.25);
        var exponential = new TeacherForcingSchedule(TeacherForcingDecay.Exponential, 1, 0.99, 0);
        var sigmoid = new TeacherForcingSchedule(TeacherForcingDecay.InverseSigmoid, 1, 100, 0);
        Assert.Equal(0.75, constant.Probability(12345));
        Assert.Equal(1.0, linear.Probability(0));
        Assert.Equal(0.6, linear.Probability(400), 12);
        Assert.Equal(0.25, linear.Probability(10_000));   // the floor
        Assert.Equal(Math.Pow(0.99, 50), exponential.Probability(50), 12);
        Assert.Equal(100 / (100 + Math.Exp(1.0)), sigmoid.Probability(100), 12);
        Assert.Equal(100 / (100 + Math.Exp(5.0)), sigmoid.Probability(500), 12);
        Assert.True(TeacherForcingSchedule.Always.IsAlwaysTeacher);
        Assert.False(linear.IsAlwaysTeacher);
    }

    [Fact]
    public void A_decay_rate_outside_its_range_is_refused_by_name_and_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TeacherForcingSchedule(TeacherForcingDecay.Exponential, 1, 1.5, 0));
        Assert.Contains("'rate' was 1.5", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new TeacherForcingSchedule(TeacherForcingDecay.InverseSigmoid, 1, 0.5, 0));
        Assert.Contains("k >= 1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new TeacherForcingSchedule(TeacherForcingDecay.Constant, 1.2, 0, 0));
        Assert.Contains("'start' was 1.2", e.Message);
    }
}
