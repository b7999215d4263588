namespace CharLanguageModelSample;

/// <summary>The loss curve: training and validation bits per character against the update.</summary>
internal static class LossPlot
{
    public static void Save(string path, IReadOnlyList<(long Step, double Bits)> training, IReadOnlyList<(long Step, double Bits)> validation, string title)
    {
        var plot = new ScottPlot.Plot();
        if (training.Count > 0)
        {
            var t = plot.Add.Scatter(training.Select(p => (double)p.Step).ToArray(), training.Select(p => p.Bits).ToArray());
            t.LegendText = "training (last batch)";
            t.MarkerSize = 0;
        }
        if (validation.Count > 0)
        {
            var v = plot.Add.Scatter(validation.Select(p => (double)p.Step).ToArray(), validation.Select(p => p.Bits).ToArray());
            v.LegendText = "validation";
            v.LineWidth = 2;
            v.MarkerSize = 7;
        }
        plot.Title(title);
        plot.XLabel("update");
        plot.YLabel("bits per character");
        plot.ShowLegend();
        plot.Legend.Alignment = ScottPlot.Alignment.UpperRight;
        plot.SavePng(path, 900, 520);
    }
}
