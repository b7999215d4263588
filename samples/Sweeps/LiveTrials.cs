using System.Globalization;
using MLNet.Recurrent.Sweeps;
using Spectre.Console;

namespace SweepsSample;

/// <summary>
/// Runs an experiment while showing its trials: a live Spectre.Console table on a terminal, one plain line per trial
/// when the output is redirected (the lines of <see cref="SweepTable"/>, as the README shows them).
/// </summary>
internal static class LiveTrials
{
    public static async Task<SweepResult<T>> RunAsync<T>(SweepExperiment<T> experiment, SweepMetric metric, CancellationToken cancel)
        where T : class, new()
    {
        SweepTrial<T>? best = null;
        bool IsBest(SweepTrial<T> t)
        {
            if (t.Status != SweepTrialStatus.Completed || (best is not null && !metric.IsBetter(t.Metric, best.Metric))) return false;
            best = t;
            return true;
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.WriteLine(SweepTable.Header(metric));
            experiment.SetProgress(new Reporter<SweepTrial<T>>(t => Console.WriteLine(SweepTable.Line(t, metric, IsBest(t)))));
            return await experiment.RunAsync(cancel);
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("trial").AddColumn("config").AddColumn("budget").AddColumn("status")
            .AddColumn(new TableColumn(Markup.Escape(metric.Name)).RightAligned()).AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn("options");
        SweepResult<T>? result = null;
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            experiment.SetProgress(new Reporter<SweepTrial<T>>(t =>
            {
                bool isBest = IsBest(t);
                string value = t.Status == SweepTrialStatus.Completed ? t.Metric.ToString("F4", CultureInfo.InvariantCulture) : "-";
                string status = t.Status switch
                {
                    SweepTrialStatus.Completed => "completed",
                    SweepTrialStatus.Failed => $"[red]failed[/]: {Markup.Escape(t.Error ?? "")}",
                    _ => "[yellow]canceled[/]",
                };
                table.AddRow(isBest ? $"[green]{t.Id}*[/]" : t.Id.ToString(CultureInfo.InvariantCulture),
                    t.ConfigurationId.ToString(CultureInfo.InvariantCulture), t.Budget?.ToString(CultureInfo.InvariantCulture) ?? "-", status,
                    isBest ? $"[green]{value}[/]" : value, t.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
                    Markup.Escape(SweepTable.Options(t)));
                context.Refresh();
            }));
            result = await experiment.RunAsync(cancel);
        });
        return result!;
    }

    /// <summary>Reports synchronously on the sweep's thread (<c>Progress&lt;T&gt;</c> would post to the thread pool, out of order).</summary>
    private sealed class Reporter<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
