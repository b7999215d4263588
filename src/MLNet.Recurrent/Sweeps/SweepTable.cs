using System.Globalization;
using System.Text;
using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// The trial table as plain text, one line per trial: id (the best marked <c>*</c>), configuration, budget, status,
/// metric, seconds and the searched options' values; a failed trial's message follows its line. For a richer
/// console view, render <see cref="SweepResult{TOptions}.Trials"/> yourself (the Sweeps sample uses Spectre.Console).
/// </summary>
public static class SweepTable
{
    /// <summary>The table of every trial of <paramref name="result"/>, headed by the metric's name.</summary>
    /// <param name="result">A finished sweep.</param>
    public static string Format<TOptions>(SweepResult<TOptions> result) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.AppendLine(Header(result.Metric));
        foreach (SweepTrial<TOptions> trial in result.Trials)
            text.AppendLine(Line(trial, result.Metric, ReferenceEquals(trial, result.BestTrial)));
        return text.ToString();
    }

    /// <summary>The column heads matching <see cref="Line"/>.</summary>
    /// <param name="metric">The sweep's metric.</param>
    public static string Header(SweepMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return string.Create(CultureInfo.InvariantCulture, $"{"trial",6} {"config",6} {"budget",7} {"status",-9} {metric.Name,10} {"seconds",8}  options");
    }

    /// <summary>One trial's line (and, for a failed trial, its message on the next line).</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="metric">The sweep's metric.</param>
    /// <param name="isBest">Marks the line with <c>*</c>.</param>
    public static string Line<TOptions>(SweepTrial<TOptions> trial, SweepMetric metric, bool isBest = false) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(metric);
        string id = trial.Id.ToString(CultureInfo.InvariantCulture) + (isBest ? "*" : " ");
        string budget = trial.Budget?.ToString(CultureInfo.InvariantCulture) ?? "-";
        string value = trial.Status == SweepTrialStatus.Completed ? trial.Metric.ToString("F4", CultureInfo.InvariantCulture) : "-";
        string status = trial.Status.ToString().ToLowerInvariant();
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{id,6} {trial.ConfigurationId,6} {budget,7} {status,-9} {value,10} {trial.Duration.TotalSeconds,8:F1}  {Options(trial)}");
        return trial.Error is null ? line : line + Environment.NewLine + "         ! " + trial.Error;
    }

    /// <summary>The searched options as <c>Name=value</c> pairs, in the search space's order.</summary>
    /// <param name="trial">The trial.</param>
    public static string Options<TOptions>(SweepTrial<TOptions> trial) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(trial);
        return string.Join(" ", trial.Parameters.Select(p => $"{p.Key}={SweepValues.Format(p.Value)}"));
    }
}
