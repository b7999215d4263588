using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Tests.Sweeps;

public sealed class SuccessiveHalvingTunerTests
{
    [Theory]
    [InlineData(1, 9, 3, new long[] { 1, 3, 9 })]
    [InlineData(2, 20, 3, new long[] { 2, 6, 20 })]   // the top rung takes the full budget rather than 18
    [InlineData(1, 16, 2, new long[] { 1, 2, 4, 8, 16 })]
    [InlineData(1, 2, 3, new long[] { 1, 2 })]
    [InlineData(5, 5, 3, new long[] { 5 })]
    public void Rungs_multiply_the_budget_by_eta_up_to_the_maximum(long min, long max, int eta, long[] expected) =>
        Assert.Equal(expected, new SuccessiveHalvingTuner(min, max, eta).Budgets);

    [Fact]
    public void Only_the_top_third_of_a_rung_is_promoted_each_once_and_higher_rungs_first()
    {
        var tuner = new SuccessiveHalvingTuner(1, 9, 3);
        int next = 0;
        TrialProposal Start(double score)
        {
            TrialProposal p = tuner.Propose();
            Assert.Equal((0, 0, (long?)1), (p.ConfigurationId, p.Rung, p.Budget));
            tuner.Report(p, ++next, score);
            return p;
        }

        Start(0.1); Start(0.9);              // two finished: floor(2/3) = 0, nothing to promote
        Start(0.5);                          // three: the best (config 2) goes to rung 1 with budget 3
        TrialProposal promoted = tuner.Propose();
        Assert.Equal((2, 1, (long?)3), (promoted.ConfigurationId, promoted.Rung, promoted.Budget));
        tuner.Report(promoted, 2, 0.95);

        Start(0.2); Start(0.3);              // five at rung 0: top 1 is still config 2, already promoted
        Start(0.7);                          // six: top 2 = configs 2 and 6; 6 goes up
        TrialProposal second = tuner.Propose();
        Assert.Equal((6, 1, (long?)3), (second.ConfigurationId, second.Rung, second.Budget));
        tuner.Report(second, 6, 0.8);

        Start(0.0); Start(0.05); Start(0.01); // nine at rung 0: top 3 = 2, 6, 3 (0.5); 3 goes up
        TrialProposal third = tuner.Propose();
        Assert.Equal((3, 1, (long?)3), (third.ConfigurationId, third.Rung, third.Budget));
        tuner.Report(third, 3, 0.6);

        // Rung 1 now holds three trials: its best (config 2, 0.95) goes to the top rung before anything else.
        TrialProposal top = tuner.Propose();
        Assert.Equal((2, 2, (long?)9), (top.ConfigurationId, top.Rung, top.Budget));
        tuner.Report(top, 2, 0.97);
        Assert.Equal(0, tuner.Propose().ConfigurationId); // nothing left to promote: a new configuration
    }

    [Fact]
    public void A_failed_trial_counts_in_its_rung_but_is_never_promoted()
    {
        var tuner = new SuccessiveHalvingTuner(1, 4, 2);
        tuner.Report(tuner.Propose(), 1, null);   // failed
        tuner.Report(tuner.Propose(), 2, -5.0);   // a poor score, but a score
        TrialProposal p = tuner.Propose();
        Assert.Equal((2, 1, (long?)2), (p.ConfigurationId, p.Rung, p.Budget));
    }
}
