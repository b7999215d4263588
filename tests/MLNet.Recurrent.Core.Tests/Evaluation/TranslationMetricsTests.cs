using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Evaluation.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Evaluation;

/// <summary>
/// The translation metrics on cases the vectors do not reach; every expected value was printed by
/// shared/reference/mt_metrics.py (the standard-library port of sacreBLEU 2.x) or Python 3 itself.
/// </summary>
public sealed class TranslationMetricsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Hello, world! It's 3.5-4 km.", "Hello , world ! It's 3.5 - 4 km .")]
    [InlineData("A&amp;B &lt;tag&gt; costs $1,000.50 (approx.)", "A & B < tag > costs $ 1,000.50 ( approx . )")]
    [InlineData("x-\ny<skipped> z", "xy z")]
    [InlineData("end.", "end .")]
    public void Tokenizer_13a_splits_as_mteval_v13a(string input, string expected) =>
        Assert.Equal(expected, Tokenizer13a.Tokenize(input));

    [Fact]
    public void Python_whitespace_and_lowercasing_are_followed_beyond_ascii()
    {
        // Python's str.split() breaks at U+001C..U+001F; .NET's char.IsWhiteSpace does not.
        Assert.Equal(["a", "b", "c"], PythonText.Split("a\u001cb c"));
        // str.lower(): final sigma at a word's end, U+0130 to "i" + combining dot; a lone capital sigma stays sigma.
        Assert.Equal("\u03bf\u03b4\u03bf\u03c2 \u03c3\u03b1\u03c2 \u03c3", PythonText.Lower("ΟΔΟΣ ΣΑΣ Σ"));
        Assert.Equal("i\u0307stanbul", PythonText.Lower("\u0130stanbul"));
        Assert.Equal(100.0, ChrF.Corpus(["ΟΔΟΣ ΣΑΣ"], [["οδος σας"]], new ChrFOptions { Lowercase = true }), 1e-9);
        Assert.Equal(23.571428571428577, ChrF.Corpus(["ΟΔΟΣ ΣΑΣ"], [["οδοσ σασ"]], new ChrFOptions { Lowercase = true }), 1e-9);
        Assert.Equal(100.0, ChrF.Corpus(["a\u001cb"], [["ab"]]), 1e-9);
        Assert.Equal(100.0, Bleu.Corpus(["a\u001cb c d e"], [["a b c d e"]]).Score, 1e-9);
    }

    [Fact]
    public void Characters_are_code_points_so_a_surrogate_pair_is_one_character()
    {
        double chrf = ChrF.Corpus(["😀😁x"], [["😀😁y"]]);
        output.WriteLine($"chrF of an emoji pair: {chrf:R} (mt_metrics.py: 38.888888888888886)");
        Assert.Equal(38.888888888888886, chrf, 1e-9);
    }

    [Fact]
    public void Sentence_scores_use_effective_order_and_equal_the_python_port()
    {
        const string hyp = "The cat sat on the mat .", reference = "The cat is on the mat .";
        var bleu = Bleu.Sentence(hyp, [reference]);
        output.WriteLine($"{bleu}; chrF2 {ChrF.Sentence(hyp, [reference]):R}");
        Assert.Equal(48.892302243490086, bleu.Score, 1e-9);
        Assert.Equal(67.17273492330234, ChrF.Sentence(hyp, [reference]), 1e-9);
        Assert.Equal([7L, 6, 5, 4], bleu.Totals);
        Assert.Equal([6L, 4, 2, 1], bleu.Counts);
        Assert.Equal(7, bleu.SystemLength);
    }

    [Fact]
    public void Exact_match_counts_segments_equal_to_any_reference()
    {
        string[] hyps = ["a b", "c d", "e f ", "g"];
        IReadOnlyList<string?>[] refs = [["a b", "x", "e f", "g"], ["y", "c d", null, "z"]];
        // "e f " differs from "e f" by a trailing space: no normalisation.
        Assert.Equal(75.0, ExactMatch.Corpus(hyps, refs));
        var metrics = TranslationMetrics.Compute(hyps, refs);
        Assert.Equal(75.0, metrics.ExactMatch);
        Assert.Equal(4, metrics.Segments);
    }

    [Fact]
    public void Bad_input_is_rejected_by_name()
    {
        Assert.Contains("'referenceStreams[1]' was \"1 segments\"", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], [["a", "b"], ["a"]])).Message);
        Assert.Contains("'hypotheses[1]' was null", Assert.Throws<ArgumentException>(() => ChrF.Corpus(["a", null!], [["a", "b"]])).Message);
        Assert.Contains("segment 0 needs at least one reference", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], [[null]])).Message);
        Assert.Contains("'referenceStreams' was \"0 streams\"", Assert.Throws<ArgumentException>(() => ExactMatch.Corpus(["a"], [])).Message);
        Assert.Contains("'MaxNgramOrder' was 0", Assert.ThrowsAny<ArgumentException>(() => Bleu.Corpus(["a"], [["a"]], new BleuOptions { MaxNgramOrder = 0 })).Message);
        Assert.Contains("'Beta' was -1", Assert.ThrowsAny<ArgumentException>(() => ChrF.Corpus(["a"], [["a"]], new ChrFOptions { Beta = -1 })).Message);
    }
}
