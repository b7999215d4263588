using Microsoft.ML;
using MLNet.Recurrent.Sweeps;

namespace MLNet.Recurrent.Tests.Sweeps;

/// <summary>The sweep's rules on a made-up objective (no training, milliseconds per sweep).</summary>
public sealed class SweepExperimentTests
{
    private static SweepExperiment<ToyOptions> Toy(int seed, int trials, Func<ToyOptions, CancellationToken, double>? objective = null) =>
        new SweepExperiment<ToyOptions>(new MLContext(seed: 0))
            .SetObjective("score", SweepDirection.Maximize, objective ?? ((o, _) => o.Score()))
            .SetMaxTrials(trials)
            .SetSeed(seed);

    [Fact]
    public async Task The_same_seed_gives_the_same_trials_and_another_seed_other_ones()
    {
        SweepResult<ToyOptions> first = await Toy(seed: 3, trials: 12).RunAsync();
        SweepResult<ToyOptions> again = await Toy(seed: 3, trials: 12).RunAsync();
        SweepResult<ToyOptions> other = await Toy(seed: 4, trials: 12).RunAsync();

        Assert.Equal(12, first.Trials.Count);
        Assert.Equal(first.Trials.Select(Describe), again.Trials.Select(Describe));
        Assert.Equal(first.BestTrial!.Id, again.BestTrial!.Id);
        Assert.NotEqual(first.Trials.Skip(1).Select(Describe), other.Trials.Skip(1).Select(Describe));
        // Every trial's options carry exactly the values recorded for it.
        Assert.All(first.Trials, t => Assert.Equal((object)t.Options.Width, t.Parameters["Width"]));
    }

    private static string Describe(SweepTrial<ToyOptions> t) => $"{SweepTable.Options(t)} -> {t.Metric:R}";

    [Fact]
    public async Task The_first_trial_runs_the_base_options_and_fixed_values_hold_in_every_trial()
    {
        var experiment = new SweepExperiment<ToyOptions>(new MLContext(0), new ToyOptions { Width = 5, Kind = "c" })
            .SetObjective("score", SweepDirection.Maximize, (o, _) => o.Score()).SetMaxTrials(6).SetSeed(1);
        experiment.SearchSpace.Fix("Flag", true).Remove("Dropout");

        SweepResult<ToyOptions> result = await experiment.RunAsync();

        Assert.Equal((5, "c", true), (result.Trials[0].Options.Width, result.Trials[0].Options.Kind, result.Trials[0].Options.Flag));
        Assert.All(result.Trials, t => Assert.True(t.Options.Flag));
        Assert.All(result.Trials, t => Assert.Equal(0f, t.Options.Dropout));
        Assert.All(result.Trials, t => Assert.Equal("toy", t.Options.Name));
        Assert.Equal(result.Trials.MaxBy(t => t.Metric), result.BestTrial);
    }

    [Fact]
    public async Task Minimizing_keeps_the_smallest_metric()
    {
        SweepResult<ToyOptions> result = await new SweepExperiment<ToyOptions>(new MLContext(0))
            .SetObjective("loss", SweepDirection.Minimize, (o, _) => -o.Score()).SetMaxTrials(10).SetSeed(2).RunAsync();
        Assert.Equal(result.Trials.Min(t => t.Metric), result.BestTrial!.Metric);
    }

    [Fact]
    public async Task Successive_halving_sets_the_budget_on_the_options_and_retrains_only_promoted_configurations()
    {
        var seen = new List<(int Width, int Epochs)>();
        SweepResult<ToyOptions> result = await new SweepExperiment<ToyOptions>(new MLContext(0))
            .SetObjective("score", SweepDirection.Maximize, (o, _) => { seen.Add((o.Width, o.Epochs)); return o.Score(); })
            .SetSuccessiveHalving("Epochs", minBudget: 1, maxBudget: 9, reductionFactor: 3)
            .SetMaxTrials(20).SetSeed(5).RunAsync();

        Assert.Equal(20, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(t.Budget, (long)t.Options.Epochs));
        Assert.All(result.Trials, t => Assert.Equal(new long[] { 1, 3, 9 }[t.Rung], t.Budget));
        Assert.DoesNotContain("Epochs", result.Trials[0].Parameters.Keys); // the budget is not sampled
        foreach (SweepTrial<ToyOptions> promoted in result.Trials.Where(t => t.Rung > 0))
        {
            // A promotion retrains a configuration that finished one rung below, in its top third at that moment.
            SweepTrial<ToyOptions>[] below = result.Trials.Where(t => t.Rung == promoted.Rung - 1 && t.Id < promoted.Id).ToArray();
            SweepTrial<ToyOptions> origin = below.Single(t => t.ConfigurationId == promoted.ConfigurationId);
            Assert.Equal(origin.Parameters, promoted.Parameters);
            int rank = below.Count(t => t.Metric > origin.Metric);
            Assert.True(rank < below.Length / 3, $"trial {promoted.Id} promoted configuration {origin.ConfigurationId} ranked {rank + 1} of {below.Length}");
        }
        Assert.Contains(result.Trials, t => t.Rung == 2);
        Assert.Equal(result.Trials.Select(t => (t.Options.Width, t.Options.Epochs)), seen);
    }

    [Fact]
    public async Task A_trial_that_throws_is_recorded_as_failed_and_the_sweep_goes_on()
    {
        SweepResult<ToyOptions> result = await Toy(seed: 9, trials: 15, (o, _) =>
            o.Width > 16 ? throw new InvalidOperationException($"width {o.Width} is too wide") : o.Score()).RunAsync();

        SweepTrial<ToyOptions>[] failed = result.Trials.Where(t => t.Status == SweepTrialStatus.Failed).ToArray();
        Assert.Equal(15, result.Trials.Count);
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.Equal($"InvalidOperationException: width {t.Options.Width} is too wide", t.Error));
        Assert.All(failed, t => Assert.True(double.IsNaN(t.Metric)));
        Assert.Contains(result.Trials, t => t.Status == SweepTrialStatus.Completed && t.Id > failed[0].Id);
        Assert.True(result.BestTrial!.Options.Width <= 16);
        Assert.Contains("! InvalidOperationException: width", result.ToTable());
    }

    [Fact]
    public async Task A_sweep_whose_trials_all_fail_stops_after_twenty_in_a_row()
    {
        SweepResult<ToyOptions> result = await Toy(seed: 2, trials: 100, (o, _) => throw new ArgumentException("column 'Tokens' not found")).RunAsync();

        Assert.Equal(SweepExperiment<ToyOptions>.MaxConsecutiveFailures, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal("ArgumentException: column 'Tokens' not found", t.Error));
        Assert.Null(result.BestTrial);
        Assert.Null(result.BestOptions);
    }

    [Fact]
    public async Task Canceling_stops_the_trial_in_flight_and_returns_the_best_trial_finished_before()
    {
        using var cancel = new CancellationTokenSource();
        int calls = 0;
        SweepResult<ToyOptions> result = await Toy(seed: 1, trials: 50, (o, token) =>
        {
            if (++calls == 5)
            {
                cancel.Cancel();
                token.ThrowIfCancellationRequested();
            }
            return o.Score();
        }).RunAsync(cancel.Token);

        Assert.True(result.WasCanceled);
        Assert.Equal(5, result.Trials.Count);
        Assert.Equal(SweepTrialStatus.Canceled, result.Trials[^1].Status);
        Assert.Equal(result.Trials.Take(4).MaxBy(t => t.Metric), result.BestTrial);
    }

    [Fact]
    public void An_experiment_missing_a_piece_says_which_before_running()
    {
        var ml = new MLContext(0);
        // RunAsync checks before it starts a task: the exception comes from the call itself.
        var noStop = Assert.Throws<InvalidOperationException>(() =>
        {
            _ = new SweepExperiment<ToyOptions>(ml).SetObjective("s", SweepDirection.Maximize, (o, _) => 0).RunAsync();
        });
        Assert.Contains("SetMaxTrials", noStop.Message);
        var noPipeline = Assert.Throws<InvalidOperationException>(() => { _ = new SweepExperiment<ToyOptions>(ml).SetMaxTrials(1).RunAsync(); });
        Assert.Contains("SetPipeline", noPipeline.Message);
        var budget = Assert.Throws<ArgumentException>(() => new SweepExperiment<ToyOptions>(ml).SetSuccessiveHalving("Kind", 1, 9));
        Assert.Contains("'Kind' is a String", budget.Message);
    }
}
