using System.Text;
using MLNet.Recurrent.Core.Interpretability;

namespace MLNet.Recurrent.Core.Tests.Interpretability;

public sealed class CellDetectorsTests
{
    [Fact]
    public void Straight_quotes_toggle_and_the_value_is_the_state_after_each_rune()
    {
        // a, space, opening " (now inside), b, c, closing " (now outside), space, d
        Assert.Equal([0, 0, 1, 1, 1, 0, 0, 0], CellDetectors.InsideQuotes.Evaluate("a \"bc\" d"));
        // A newline does not close a quotation.
        Assert.Equal([1, 1, 1, 1, 0, 0], CellDetectors.InsideQuotes.Evaluate("\"a\nb\"c"));
    }

    [Fact]
    public void Curly_quotes_open_and_close_without_nesting()
    {
        // “ a ” b ” c “ d “ e ”: the unmatched ” stays closed, the second “ stays open, one ” closes.
        Assert.Equal([1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0], CellDetectors.InsideQuotes.Evaluate("“a”b”c“d“e”"));
        // A straight " inside a curly quotation toggles it closed.
        Assert.Equal([1, 1, 0, 0], CellDetectors.InsideQuotes.Evaluate("“a\"b"));
    }

    [Fact]
    public void Parentheses_nest_and_an_unmatched_closer_is_ignored()
    {
        const string text = "f(a(b)c)d)e(";
        Assert.Equal([0, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1], CellDetectors.ParenthesisDepth.Evaluate(text));
        Assert.Equal([0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1], CellDetectors.InsideParentheses.Evaluate(text));
    }

    [Fact]
    public void Line_position_counts_from_the_last_newline_and_the_newline_ends_its_line()
    {
        const string text = "ab\ncd\n\nx";
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 0], CellDetectors.LinePosition.Evaluate(text));
        // Lines "ab\n" and "cd\n" (3 runes: 0, 1/2, 1), "\n" and "x" (1 rune: 0).
        Assert.Equal([0, 0.5, 1, 0, 0.5, 1, 0, 0], CellDetectors.LineFraction.Evaluate(text));
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], CellDetectors.LineFraction.Evaluate("abcde"));
        Assert.Equal([0, 0, 1, 0, 1, 1], CellDetectors.AfterNewline.Evaluate("a\nb\n\nc"));
    }

    [Fact]
    public void Word_letter_vowel_and_case_detectors()
    {
        const string text = "Hi, you2go o'k";
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1], CellDetectors.WordStart.Evaluate(text));
        Assert.Equal([1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1], CellDetectors.InsideWord.Evaluate(text));
        Assert.Equal([0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0], CellDetectors.Vowel.Evaluate(text));
        Assert.Equal([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], CellDetectors.Uppercase.Evaluate(text));
        // Non-ASCII: É and Σ are uppercase letters, é is a letter but not one of the ASCII vowels.
        Assert.Equal([1, 0, 1, 0, 0, 1], CellDetectors.Uppercase.Evaluate("AbÉ σΣ"));
        Assert.Equal([1, 0, 1, 0, 0, 0, 0], CellDetectors.Vowel.Evaluate("AbEé yY"));
    }

    [Fact]
    public void A_surrogate_pair_is_one_position()
    {
        const string smile = "\U0001F600", boldA = "\U0001D400"; // 😀 (not a letter), 𝐀 (an uppercase letter)
        string text = $"\"{smile}({boldA})\"\n{smile}x";
        Assert.Equal(12, text.Length); // UTF-16 chars
        // Runes: " 😀 ( 𝐀 ) " \n 😀 x
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 0, 0], CellDetectors.InsideQuotes.Evaluate(text));
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 0, 0], CellDetectors.InsideParentheses.Evaluate(text));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 0, 1], CellDetectors.LinePosition.Evaluate(text));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 0], CellDetectors.AfterNewline.Evaluate(text));
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0, 1], CellDetectors.WordStart.Evaluate(text));
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0, 0], CellDetectors.Uppercase.Evaluate(text));
        // A lone high surrogate is one U+FFFD position and does not swallow the next char.
        Assert.Equal([0, 1], CellDetectors.InsideWord.Evaluate("\uD83Da"));
    }

    [Fact]
    public void All_lists_every_built_in_detector_once()
    {
        Assert.Equal(10, CellDetectors.All.Count);
        Assert.Equal(CellDetectors.All.Count, CellDetectors.All.Select(d => d.Name).Distinct().Count());
        Assert.Contains(CellDetectors.InsideQuotes, CellDetectors.All);
        Assert.All(CellDetectors.All, d => Assert.NotNull(d));
    }

    [Fact]
    public void A_custom_detector_is_checked_for_finite_values_and_a_name()
    {
        var digits = new CellDetector("digit", static (text, values) =>
        {
            for (int t = 0; t < text.Length; t++) values[t] = Rune.IsDigit(text[t]) ? 1 : 0;
        });
        Assert.Equal([0, 1, 1, 0], digits.Evaluate("a12b"));

        var broken = new CellDetector("broken", static (text, values) => values[^1] = double.NaN);
        var e = Assert.Throws<InvalidOperationException>(() => broken.Evaluate("abc"));
        Assert.Equal("Detector \"broken\" gave NaN at rune 2; detector values must be finite.", e.Message);

        var empty = Assert.Throws<ArgumentException>(() => new CellDetector(" ", static (_, _) => { }));
        Assert.Equal("name", empty.ParamName);
    }
}
