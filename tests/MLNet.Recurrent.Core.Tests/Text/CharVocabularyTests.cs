using System.Text;
using MLNet.Recurrent.Core.Text;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Text;

public sealed class CharVocabularyTests(ITestOutputHelper output)
{
    [Fact]
    public void Ids_follow_frequency_then_code_point_and_unknown_is_zero()
    {
        // a x5, b x2, r x2, c x1, d x1: b and r tie (b first by code point), c and d tie.
        var v = CharVocabulary.Build("abracadabra");
        output.WriteLine(string.Join(" ", v.Symbols.Select((r, i) => $"{i}:{r}")));
        Assert.Equal("\uFFFDabrcd", string.Concat(v.Symbols));
        Assert.Equal(0, v.UnknownId);
        Assert.Equal(6, v.Count);
        Assert.Equal([2, 1, 5, 0, 0], v.Encode("bad!é"));
        Assert.Equal("bad\uFFFD", v.Decode([2, 1, 5, 0]));
        Assert.Equal(v.Symbols, CharVocabulary.Build("arbadacarba").Symbols); // same counts, other order
    }

    [Fact]
    public void Max_size_keeps_the_most_frequent_runes()
    {
        var v = CharVocabulary.Build(["abracad", "abra"], maxSize: 3);
        Assert.Equal("\uFFFDab", string.Concat(v.Symbols));
        Assert.Equal([1, 2, 0, 1, 0, 1, 0], v.Encode("abracad"));
        Assert.Equal("\uFFFD", string.Concat(CharVocabulary.Build("abc", maxSize: 1).Symbols));
    }

    [Fact]
    public void Surrogate_pairs_are_one_symbol_and_round_trip()
    {
        const string smile = "\U0001F600", cat = "\U0001F408";
        var v = CharVocabulary.Build($"a{smile}b{smile}{cat}");
        // U+1F600 x2 first; a, b, U+1F408 once each, in code-point order.
        Assert.Equal([Rune.ReplacementChar, new Rune(0x1F600), new Rune('a'), new Rune('b'), new Rune(0x1F408)], v.Symbols);
        string text = $"{cat}b{smile}a";
        int[] ids = v.Encode(text);
        Assert.Equal([4, 3, 1, 2], ids); // 6 UTF-16 chars, 4 runes
        Assert.Equal(text, v.Decode(ids));

        Span<int> buffer = stackalloc int[text.Length];
        Assert.Equal(4, v.Encode(text, buffer));
        // A lone high surrogate reads as U+FFFD, the unknown symbol; the next char is not swallowed.
        Assert.Equal([0, 2], v.Encode("\uD83Da"));
    }

    [Fact]
    public void Unknown_symbol_in_text_is_not_a_second_entry_and_custom_unknown_works()
    {
        var v = CharVocabulary.Build("x\uFFFDx");
        Assert.Equal("\uFFFDx", string.Concat(v.Symbols));
        var q = CharVocabulary.Build("hello?", unknownSymbol: new Rune('?'));
        Assert.Equal("?leho", string.Concat(q.Symbols)); // l x2, then e, h, o
        Assert.Equal("h?l?", q.Decode(q.Encode("hzl?")));
    }

    [Fact]
    public void Entries_round_trip_through_the_constructor()
    {
        var v = CharVocabulary.Build("the quick brown fox \U0001F98A jumps");
        var copy = new CharVocabulary(v.Symbols, v.UnknownId);
        string probe = "quick \U0001F98A zebra";
        Assert.Equal(v.Encode(probe), copy.Encode(probe));
        // Non-zero unknown id from entries: 'z' is unknown and decodes to the rune stored there.
        var custom = new CharVocabulary([new Rune('a'), new Rune('#'), new Rune('b')], unknownId: 1);
        Assert.Equal([0, 1, 2], custom.Encode("azb"));
        Assert.Equal("a#b", custom.Decode(custom.Encode("azb")));
    }

    [Fact]
    public void Bad_inputs_name_the_argument_and_value()
    {
        var dup = Assert.Throws<ArgumentException>(() => new CharVocabulary([new Rune('?'), new Rune('a'), new Rune('a')]));
        output.WriteLine(dup.Message);
        Assert.StartsWith("'symbols[2]' was \"U+0061\"; it is already symbols[1]", dup.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new CharVocabulary([new Rune('?')], unknownId: 1));
        Assert.StartsWith("'unknownId' was 1;", range.Message);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.Build("abc", maxSize: 0));
        Assert.StartsWith("'maxSize' was 0;", range.Message);

        var v = CharVocabulary.Build("abc");
        range = Assert.Throws<ArgumentOutOfRangeException>(() => v.Decode([1, 9]));
        output.WriteLine(range.Message);
        Assert.StartsWith("'ids[1]' was 9; it must be in [0, 4)", range.Message);
        var shortBuffer = Assert.Throws<ArgumentException>(() => v.Encode("abc", new int[2]));
        Assert.StartsWith("'ids' was \"length 2\"", shortBuffer.Message);
    }
}
