using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Tests.Text;

public sealed class TextTokenizerTests
{
    [Fact]
    public void Words_keep_punctuation_as_tokens_and_are_lower_cased_like_the_reference()
    {
        var tokenizer = new TextTokenizer();
        Assert.Equal(["god", "'", "s", "spirit", ",", "¿", "quién", "?"], tokenizer.Tokenize("God's Spirit, ¿Quién?"));
        Assert.Equal(["engendró", "á", "mahalaleel", "."], tokenizer.Tokenize("engendró á Mahalaleel."));
        Assert.Equal(["x_1", "-", "2"], tokenizer.Tokenize("X_1 -2"));
        Assert.Empty(tokenizer.Tokenize("   "));
        Assert.Equal("a , b", tokenizer.Join(["a", ",", "b"]));
    }

    [Fact]
    public void Characters_are_unicode_scalars_spaces_included()
    {
        var tokenizer = new TextTokenizer(TokenizerMode.Character, lowercase: false);
        Assert.Equal(["A", " ", "é", "😀"], tokenizer.Tokenize("A é😀"));
        Assert.Equal("A é😀", tokenizer.Join(tokenizer.Tokenize("A é😀")));
    }

    [Fact]
    public void The_vocabulary_puts_the_specials_first_then_tokens_seen_min_count_times_by_count_then_ordinal()
    {
        string[][] sentences = [["b", "a", "c", "a"], ["c", "b", "d"], ["e"]];
        var vocabulary = TranslationVocabulary.Build(sentences, minCount: 2, out int types);
        Assert.Equal(5, types);
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "a", "b", "c"], vocabulary.Tokens);
        Assert.Equal(TranslationVocabulary.UnknownId, vocabulary.GetId("d"));
        Assert.Equal(0, vocabulary.PaddingId);
    }
}
