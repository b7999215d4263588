using MLNet.Recurrent.Core.Text;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Text;

public sealed class TokenVocabularyTests(ITestOutputHelper output)
{
    private static readonly string[] s_stream = ["the", "cat", "the", "a", "cat", "the", "zebra", "Zoo"];

    [Fact]
    public void Padding_then_unknown_then_tokens_by_frequency_and_ordinal_order()
    {
        var v = TokenVocabulary.Build(s_stream, paddingToken: "<pad>");
        output.WriteLine(string.Join(" ", v.Tokens.Select((t, i) => $"{i}:{t}")));
        // the x3, cat x2, then a, Zoo, zebra once each in ordinal order ('Z' < 'a' < 'z').
        Assert.Equal(["<pad>", "<unk>", "the", "cat", "Zoo", "a", "zebra"], v.Tokens);
        Assert.Equal(1, v.UnknownId);
        Assert.Equal(0, v.PaddingId);
        Assert.Equal([2, 1, 0, 5], v.Encode(["the", "dog", "<pad>", "a"]));
        Assert.Equal(["the", "<unk>", "<pad>"], v.Decode([2, 1, 0]));
    }

    [Fact]
    public void Max_size_counts_special_tokens_and_no_padding_means_unknown_is_zero()
    {
        var v = TokenVocabulary.Build(s_stream, maxSize: 3);
        Assert.Equal(["<unk>", "the", "cat"], v.Tokens);
        Assert.Null(v.PaddingId);
        Assert.Equal(0, v.UnknownId);
        Assert.Equal([1, 0, 2], v.Encode(["the", "zebra", "cat"]));
    }

    [Fact]
    public void Entries_round_trip_through_the_constructor()
    {
        var v = TokenVocabulary.Build(s_stream, paddingToken: "<pad>", unknownToken: "UNK");
        var copy = new TokenVocabulary(v.Tokens, v.UnknownId, v.PaddingId);
        string[] probe = ["Zoo", "the", "UNK", "mouse", "<pad>"];
        Assert.Equal(v.Encode(probe), copy.Encode(probe));
        Assert.Equal([4, 2, 1, 1, 0], copy.Encode(probe));
        Span<int> ids = stackalloc int[5];
        copy.Encode(probe, ids);
        Assert.Equal([4, 2, 1, 1, 0], ids.ToArray());
    }

    [Fact]
    public void Bad_inputs_name_the_argument_and_value()
    {
        var dup = Assert.Throws<ArgumentException>(() => new TokenVocabulary(["<unk>", "x", "x"], 0));
        output.WriteLine(dup.Message);
        Assert.StartsWith("'tokens[2]' was \"x\"; it is already tokens[1]", dup.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenVocabulary(["<unk>", "x"], 0, paddingId: 0));
        Assert.StartsWith("'paddingId' was 0;", range.Message);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => TokenVocabulary.Build(s_stream, maxSize: 1, paddingToken: "<pad>"));
        Assert.StartsWith("'maxSize' was 1; it must be at least 2", range.Message);

        var v = TokenVocabulary.Build(s_stream);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => v.Decode([0, -1]));
        output.WriteLine(range.Message);
        Assert.StartsWith("'ids[1]' was -1; it must be in [0, 6)", range.Message);
        var nul = Assert.Throws<ArgumentException>(() => v.Encode(["the", null!]));
        Assert.StartsWith("'tokens[1]' was null;", nul.Message);
    }
}
