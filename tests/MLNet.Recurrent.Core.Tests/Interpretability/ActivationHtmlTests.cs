using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MLNet.Recurrent.Core.Interpretability;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Interpretability;

public sealed partial class ActivationHtmlTests(ITestOutputHelper output)
{
    [GeneratedRegex("<pre class=\"trace\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex Trace();

    [GeneratedRegex("<span(?<nl> class=\"nl\")? style=\"background:(?<color>#[0-9a-f]{6})\" title=\"(?<value>[^\"]*)\">(?<text>.*?)</span>", RegexOptions.Singleline)]
    private static partial Regex Span();

    private sealed record Cell(bool NewlineClass, string Color, string Value, string Raw);

    private static List<Cell> Cells(string traceBlock) =>
        [.. Span().Matches(traceBlock).Select(m => new Cell(m.Groups["nl"].Success, m.Groups["color"].Value, m.Groups["value"].Value, m.Groups["text"].Value))];

    [Fact]
    public void Each_rune_is_one_escaped_span_coloured_blue_white_red()
    {
        const string text = "a<&>\"'\nb\U0001F600";
        float[] values = [-1, 0, 1, 0.5f, -0.5f, 0.25f, 2, -3, 0.1f];
        string html = ActivationHtml.ToHtml(ActivationTrace.ToRunes(text), [new ActivationBlock("unit", values)], "t");
        output.WriteLine(html);

        string block = Assert.Single(Trace().Matches(html)).Groups[1].Value;
        List<Cell> cells = Cells(block);
        Assert.Equal(9, cells.Count);                                   // one span per rune, the surrogate pair included
        Assert.Equal(9, Regex.Matches(block, "<span").Count);            // and nothing else
        Assert.Equal(block.Length, cells.Sum(c => c.Raw.Length) + Span().Matches(block).Sum(m => m.Length - m.Groups["text"].Length));
        // 255·(1 − |v|) per fading channel, halves away from zero: 0.5 -> 127.5 -> 128 = 0x80, 0.25 -> 191.25 -> 0xbf,
        // 0.1 -> 229.5 (0.1f is a hair above 0.1, so 229.49..., -> 229 = 0xe5); beyond ±1 saturates.
        Assert.Equal(["#0000ff", "#ffffff", "#ff0000", "#ff8080", "#8080ff", "#ffbfbf", "#ff0000", "#0000ff", "#ffe5e5"], cells.Select(c => c.Color));
        Assert.Equal(["-1.000", "0.000", "1.000", "0.500", "-0.500", "0.250", "2.000", "-3.000", "0.100"], cells.Select(c => c.Value));
        Assert.Equal(["a", "&lt;", "&amp;", "&gt;", "&quot;", "&#39;", "\n", "b", "\U0001F600"], cells.Select(c => c.Raw));
        Assert.Equal([false, false, false, false, false, false, true, false, false], cells.Select(c => c.NewlineClass));
        Assert.Equal(text, string.Concat(cells.Select(c => WebUtility.HtmlDecode(c.Raw))));
    }

    [Fact]
    public void Scale_sets_full_colour_and_the_page_is_self_contained()
    {
        string html = ActivationHtml.ToHtml(ActivationTrace.ToRunes("ab"), [new ActivationBlock("c", [1, -2])], "Cells <b>&", scale: 2);
        Assert.Equal(["#ff8080", "#0000ff"], Cells(Trace().Match(html).Groups[1].Value).Select(c => c.Color));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Cells &lt;b&gt;&amp;</title>", html);
        Assert.Contains("<h1>Cells &lt;b&gt;&amp;</h1>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("<style>", html);
        foreach (string external in new[] { "<script", "<link", "src=", "url(", "http:", "https:" })
            Assert.DoesNotContain(external, html);
    }

    [Fact]
    public void Ranked_units_stack_in_order_with_their_labels()
    {
        const string text = "(\"x\")";
        float[] h = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, -1f]; // [N = 5, H = 2]
        float[] c = [.. h.Select(v => -v)];
        var trace = new ActivationTrace(text, 2, [h], [c]);
        CellMatch[] cells =
        [
            new("inside quotes", 0, ActivationKind.Cell, 1, 0.8349),
            new("inside parentheses", 0, ActivationKind.Hidden, 0, -0.456),
        ];
        Assert.Equal("layer 0 cell 1: inside quotes, r = 0.83", cells[0].Label);
        Assert.Equal("layer 0 hidden 0: inside parentheses, r = -0.46", cells[1].Label);

        using var writer = new StringWriter();
        ActivationHtml.Write(writer, trace, cells, "Units");
        string html = writer.ToString();
        Assert.Equal(ActivationHtml.ToHtml(trace, cells, "Units"), html);

        Assert.Equal(["layer 0 cell 1: inside quotes, r = 0.83", "layer 0 hidden 0: inside parentheses, r = -0.46"],
            Regex.Matches(html, "<h2>(.*?)</h2>").Select(m => m.Groups[1].Value));
        var blocks = Trace().Matches(html).Select(m => Cells(m.Groups[1].Value)).ToArray();
        Assert.Equal(2, blocks.Length);
        Assert.Equal(["0.200", "0.400", "-0.600", "-0.800", "1.000"], blocks[0].Select(x => x.Value)); // -c, unit 1
        Assert.Equal(["0.100", "0.300", "0.500", "0.700", "0.900"], blocks[1].Select(x => x.Value));   // h, unit 0
        Assert.Equal(["(", "&quot;", "x", "&quot;", ")"], blocks[1].Select(x => x.Raw));
    }

    [Fact]
    public void Control_characters_are_drawn_as_control_pictures()
    {
        string html = ActivationHtml.ToHtml(ActivationTrace.ToRunes("a\r\n\t\0\u007F"), [new ActivationBlock("u", new float[6])], "t");
        Assert.Equal(["a", "\u240D", "\n", "\t", "\u2400", "\u2421"], Cells(Trace().Match(html).Groups[1].Value).Select(c => c.Raw));
    }

    [Fact]
    public void Bad_arguments_are_named_and_nothing_is_written()
    {
        Rune[] text = ActivationTrace.ToRunes("abcd");
        using var writer = new StringWriter();
        ActivationBlock good = new("ok", new float[4]);

        var length = Assert.Throws<ArgumentException>(() => ActivationHtml.Write(writer, text, [good, new ActivationBlock("short", new float[3])], "t"));
        Assert.Equal("blocks[1].Values", length.ParamName);
        Assert.StartsWith("'blocks[1].Values' was \"length 3\"; it must hold one value per rune of the text (4)", length.Message);

        var nan = Assert.Throws<ArgumentException>(() => ActivationHtml.Write(writer, text, [new ActivationBlock("nan", [0, 0, float.NaN, 0])], "t"));
        Assert.Equal("blocks[0].Values[2]", nan.ParamName);
        Assert.StartsWith("'blocks[0].Values[2]' was NaN; activations must be finite", nan.Message);

        var scale = Assert.Throws<ArgumentOutOfRangeException>(() => ActivationHtml.Write(writer, text, [good], "t", scale: 0));
        Assert.StartsWith("'scale' was 0; it must be positive and finite", scale.Message);

        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() => ActivationHtml.Write(writer, text, [], "t")).ParamName);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => ActivationHtml.Write(null!, text, [good], "t")).ParamName);
        Assert.Equal("title", Assert.Throws<ArgumentNullException>(() => ActivationHtml.Write(writer, text, [good], null!)).ParamName);
        Assert.Equal("", writer.ToString());
    }
}
