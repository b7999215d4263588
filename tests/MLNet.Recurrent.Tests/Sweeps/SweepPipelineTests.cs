using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Sweeps;

namespace MLNet.Recurrent.Tests.Sweeps;

/// <summary>The pipeline path of a sweep with a pipeline that trains nothing: folds, metrics and the log, in milliseconds.</summary>
public sealed class SweepPipelineTests
{
    public sealed class Row
    {
        public float X { get; set; }
    }

    private static IDataView Rows(MLContext ml, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Row { X = i }).ToArray());

    /// <summary>The validation rows' count and the mean of X times the trial's width: a figure that shows which rows each fold scored.</summary>
    private static SweepMetric Probe(List<(long Rows, double Sum)> seen) => SweepMetric.Custom("probe", SweepDirection.Maximize, (_, scored) =>
    {
        float[] x = scored.GetColumn<float>("Y").ToArray();
        seen.Add((x.Length, x.Sum()));
        return x.Length;
    });

    [Fact]
    public async Task K_folds_score_each_trial_on_every_fold_and_average()
    {
        var ml = new MLContext(seed: 0);
        var seen = new List<(long Rows, double Sum)>();
        SweepResult<ToyOptions> result = await new SweepExperiment<ToyOptions>(ml)
            .SetPipeline(o => ml.Transforms.CopyColumns("Y", "X"))
            .SetDataset(Rows(ml, 300), folds: 3)
            .SetMetric(Probe(seen))
            .SetMaxTrials(2)
            .RunAsync();

        Assert.Equal(6, seen.Count);                                     // 2 trials x 3 folds
        Assert.Equal(300, seen.Take(3).Sum(s => s.Rows));               // the folds partition the rows
        Assert.Equal(Enumerable.Range(0, 300).Sum(), seen.Take(3).Sum(s => s.Sum));
        Assert.Equal(seen.Take(3), seen.Skip(3));                       // the same folds for every trial
        Assert.Equal(100, result.Trials[0].Metric, 1e-9);               // the mean over folds, about 100 rows each
        Assert.NotNull(result.BestModel);
        Assert.Equal(new[] { "X" }, result.InputSchema!.Select(c => c.Name));
    }

    [Fact]
    public async Task Every_trial_is_logged_to_MLContext_Log()
    {
        var ml = new MLContext(seed: 0);
        var lines = new List<string>();
        ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
        await new SweepExperiment<ToyOptions>(ml)
            .SetPipeline(o => ml.Transforms.CopyColumns("Y", "X"))
            .SetDataset(Rows(ml, 20), Rows(ml, 10))
            .SetMetric(Probe([]))
            .SetMaxTrials(3)
            .RunAsync();

        Assert.Contains(lines, l => l.Contains("Sweep of ToyOptions: random search, probe (maximized), seed 0, at most 3 trials", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.Contains(" completed ", StringComparison.Ordinal) && l.Contains("Width=", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("Sweep ended after 3 trials", StringComparison.Ordinal));
    }
}
