using System.Text;
using MLNet.Recurrent.Core.Interpretability;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Interpretability;

public sealed class CellRankingTests(ITestOutputHelper output)
{
    private const int Hidden = 8, Layers = 2;

    [Fact]
    public void Correlation_matches_hand_computed_values_and_is_zero_for_a_constant_series()
    {
        Assert.Equal(1, CellRanking.Correlation([1, 2, 3, 4], [2, 4, 6, 8]), 15);
        Assert.Equal(-1, CellRanking.Correlation([1, 2, 3, 4], [4, 3, 2, 1]), 15);
        // dx = -1, 0, 1; dy = -1, 1, 0: r = 1 / sqrt(2 * 2).
        Assert.Equal(0.5, CellRanking.Correlation([1, 2, 3], [1, 3, 2]), 15);
        // 0.1 is not a binary fraction: the mean of a constant series need not equal its values, yet r is exactly 0.
        Assert.Equal(0, CellRanking.Correlation([1, 2, 3], [0.1, 0.1, 0.1]));
        Assert.Equal(0, CellRanking.Correlation([5, 5], [1, 2]));
        var e = Assert.Throws<ArgumentException>(() => CellRanking.Correlation([1, 2], [1, 2, 3]));
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void The_planted_units_come_out_on_top_with_the_right_sign_and_value()
    {
        var (trace, quotes, columns) = Synthetic(seed: 7, out int quoteUnit, out int lineUnit);
        double expectedQuote = Pearson(quotes, trace.Activation(1, ActivationKind.Cell, quoteUnit));
        double expectedLine = Pearson(columns, trace.Activation(0, ActivationKind.Hidden, lineUnit));
        // Population values of the planted units: q' = 2q - 1 + 0.6u, col' = -col/80 + 0.05u, u ~ U(-1, 1) (variance 1/3).
        double theoryQuote = 2 * Std(quotes) / Math.Sqrt(4 * Var(quotes) + 0.36 / 3);
        double theoryLine = -(Std(columns) / 80) / Math.Sqrt(Var(columns) / 6400 + 0.0025 / 3);

        var found = CellRanking.FindCells(trace, [CellDetectors.InsideQuotes, CellDetectors.LinePosition, CellDetectors.Vowel], top: 3);
        Assert.Equal(["inside quotes", "line position", "vowel"], found.Keys);
        foreach (var (name, cells) in found)
            output.WriteLine($"{name}: " + string.Join("; ", cells.Select(c => c.Label)));
        output.WriteLine($"expected r: quotes {expectedQuote:F6} (theory {theoryQuote:F4}), line {expectedLine:F6} (theory {theoryLine:F4})");

        CellMatch quote = found["inside quotes"][0];
        Assert.Equal(new CellMatch("inside quotes", 1, ActivationKind.Cell, quoteUnit, quote.Correlation), quote);
        Assert.Equal(expectedQuote, quote.Correlation, 1e-9);
        Assert.True(quote.Correlation > 0.8, $"r = {quote.Correlation}");
        Assert.Equal(theoryQuote, quote.Correlation, 0.03);

        CellMatch line = found["line position"][0];
        Assert.Equal(new CellMatch("line position", 0, ActivationKind.Hidden, lineUnit, line.Correlation), line);
        Assert.Equal(expectedLine, line.Correlation, 1e-9);
        Assert.True(line.Correlation < -0.95, $"r = {line.Correlation}");
        Assert.Equal(theoryLine, line.Correlation, 0.02);

        // The rest are independent noise: the runner-up is far behind, and |r| is non-increasing down the list.
        Assert.True(Math.Abs(found["inside quotes"][1].Correlation) < 0.15);
        Assert.True(Math.Abs(found["line position"][1].Correlation) < 0.15);
        foreach (var cells in found.Values)
            for (int i = 1; i < cells.Count; i++)
                Assert.True(Math.Abs(cells[i - 1].Correlation) >= Math.Abs(cells[i].Correlation));
    }

    [Fact]
    public void Every_unit_is_scored_and_the_constant_unit_scores_exactly_zero()
    {
        var (trace, quotes, _) = Synthetic(seed: 11, out _, out _);
        int units = Layers * 2 * Hidden;
        var found = CellRanking.FindCells(trace, top: 1000);
        Assert.Equal(CellDetectors.All.Select(d => d.Name), found.Keys);
        foreach (var cells in found.Values)
        {
            Assert.Equal(units, cells.Count);
            Assert.Equal(units, cells.Select(c => (c.Layer, c.Kind, c.Unit)).Distinct().Count());
            // Layer 1, h, unit 2 holds 0.1f everywhere.
            Assert.Equal(0, cells.Single(c => c is { Layer: 1, Kind: ActivationKind.Hidden, Unit: 2 }).Correlation);
            Assert.All(cells, c => Assert.InRange(c.Correlation, -1, 1));
        }
        // Any other unit's r matches the test's own Pearson.
        var some = found["inside quotes"].Single(c => c is { Layer: 0, Kind: ActivationKind.Cell, Unit: 6 });
        Assert.Equal(Pearson(quotes, trace.Activation(0, ActivationKind.Cell, 6)), some.Correlation, 1e-9);
    }

    [Fact]
    public void Ties_go_to_the_earlier_unit_and_hidden_only_traces_rank_h()
    {
        // GRU-like trace, no c. Units 1 and 3 are identical copies of the quote state, unit 0 its negation.
        string text = "a\"bc\"d\"e\"";
        double[] q = CellDetectors.InsideQuotes.Evaluate(text);
        int n = q.Length;
        var h = new float[n * 4];
        for (int t = 0; t < n; t++)
        {
            h[t * 4 + 0] = (float)-q[t];
            h[t * 4 + 1] = (float)q[t];
            h[t * 4 + 2] = t % 3;
            h[t * 4 + 3] = (float)q[t];
        }
        var trace = new ActivationTrace(text, 4, [h]);
        var cells = CellRanking.FindCells(trace, [CellDetectors.InsideQuotes], top: 3)["inside quotes"];
        Assert.Equal([0, 1, 3], cells.Select(c => c.Unit));
        Assert.Equal(-1, cells[0].Correlation, 12);
        Assert.Equal(1, cells[1].Correlation, 12);
        Assert.Equal(cells[1].Correlation, cells[2].Correlation);
        Assert.All(cells, c => Assert.Equal(ActivationKind.Hidden, c.Kind));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var trace = new ActivationTrace("ab", 1, [new float[] { 0, 1 }]);
        var top = Assert.Throws<ArgumentOutOfRangeException>(() => CellRanking.FindCells(trace, top: 0));
        Assert.Equal("'top' was 0; it must be positive. (Parameter 'top')", top.Message);
        var twice = Assert.Throws<ArgumentException>(() => CellRanking.FindCells(trace, [CellDetectors.Vowel, CellDetectors.Vowel]));
        Assert.Equal("detectors[1]", twice.ParamName);
        Assert.Contains("\"vowel\"", twice.Message);
    }

    /// <summary>
    /// A random text of words, straight quotes and newlines, and an LSTM-like trace: layer 1 c unit
    /// <paramref name="quoteUnit"/> = 2q - 1 + 0.6u, layer 0 h unit <paramref name="lineUnit"/> = -column/80 + 0.05u,
    /// layer 1 h unit 2 = 0.1 everywhere, the rest uniform noise. q and column are tracked while writing the text.
    /// </summary>
    private static (ActivationTrace Trace, double[] Quotes, double[] Columns) Synthetic(long seed, out int quoteUnit, out int lineUnit)
    {
        var rng = new DeterministicRandom(seed);
        var text = new StringBuilder();
        var quotes = new List<double>();
        var columns = new List<double>();
        bool open = false;
        int column = 0;
        void Emit(char ch)
        {
            if (ch == '"') open = !open;
            text.Append(ch);
            quotes.Add(open ? 1 : 0);
            columns.Add(column);
            column = ch == '\n' ? 0 : column + 1;
        }
        while (text.Length < 3000)
        {
            int lineLength = rng.Next(10, 70);
            while (column < lineLength)
            {
                if (rng.NextDouble() < 0.2) Emit('"');
                int word = rng.Next(1, 8);
                for (int i = 0; i < word; i++) Emit((char)('a' + rng.Next(26)));
                Emit(' ');
            }
            Emit('\n');
        }

        int n = quotes.Count;
        quoteUnit = 5;
        lineUnit = 3;
        var hidden = new float[Layers][];
        var cells = new float[Layers][];
        for (int l = 0; l < Layers; l++)
        {
            hidden[l] = new float[n * Hidden];
            cells[l] = new float[n * Hidden];
            for (int i = 0; i < n * Hidden; i++)
            {
                hidden[l][i] = 2 * rng.NextSingle() - 1;
                cells[l][i] = 2 * rng.NextSingle() - 1;
            }
        }
        for (int t = 0; t < n; t++)
        {
            cells[1][t * Hidden + quoteUnit] = (float)(2 * quotes[t] - 1 + 0.6 * (2 * rng.NextDouble() - 1));
            hidden[0][t * Hidden + lineUnit] = (float)(-columns[t] / 80 + 0.05 * (2 * rng.NextDouble() - 1));
            hidden[1][t * Hidden + 2] = 0.1f;
        }
        return (new ActivationTrace(text.ToString(), Hidden, hidden, cells), [.. quotes], [.. columns]);
    }

    /// <summary>Pearson's r from the textbook formula, independent of the code under test.</summary>
    private static double Pearson(double[] x, float[] y)
    {
        double mx = x.Average(), my = y.Average(v => (double)v);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    private static double Var(double[] x)
    {
        double m = x.Average();
        return x.Sum(v => (v - m) * (v - m)) / x.Length;
    }

    private static double Std(double[] x) => Math.Sqrt(Var(x));
}
