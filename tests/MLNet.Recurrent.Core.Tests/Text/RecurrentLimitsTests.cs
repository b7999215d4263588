using System.Text;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Core.Tests.Text;

/// <summary>
/// Issue 14, resource limits in the engine: vocabularies built from text refuse, rather than grow, past
/// <see cref="RecurrentLimits.MaxVocabularySize"/>; key counts, network sizes and loaded vocabularies are checked
/// against the documented limits before anything is sized by them.
/// </summary>
public sealed class RecurrentLimitsTests
{
    private const int Max = RecurrentLimits.MaxVocabularySize;

    /// <summary>The first <paramref name="count"/> Unicode scalar values other than U+FFFD, as one string.</summary>
    private static string DistinctRunes(int count)
    {
        var sb = new StringBuilder(2 * count);
        int added = 0;
        for (int v = 0; added < count; v++)
        {
            if (v is >= 0xD800 and <= 0xDFFF || v == 0xFFFD) continue;
            sb.Append(new Rune(v).ToString());
            added++;
        }
        return sb.ToString();
    }

    private static IEnumerable<string> DistinctTokens(int count, int times = 1)
    {
        for (int k = 0; k < times; k++)
            for (int i = 0; i < count; i++) yield return "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_limits_are_the_documented_values()
    {
        Assert.Equal(1_048_576, RecurrentLimits.MaxSteps);
        Assert.Equal(16_777_216, RecurrentLimits.MaxKeyCount);
        Assert.Equal(1_048_576, RecurrentLimits.MaxVocabularySize);
        Assert.Equal(65_536, RecurrentLimits.MaxClassCount);
        Assert.Equal(4_096, RecurrentLimits.MaxCrfTagCount);
    }

    [Fact]
    public void Character_vocabulary_refuses_text_with_more_distinct_characters_than_the_limit()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CharVocabulary.Build(DistinctRunes(Max)));
        Assert.Contains($"more than {Max - 1} distinct characters", e.Message);
        Assert.Contains("at most 1048576 ids", e.Message);
        Assert.Contains("RecurrentLimits.MaxVocabularySize", e.Message);
        // The message pins the boundary: the refusal comes at the first rune past Max - 1 (+ the unknown symbol).
        var big = Assert.Throws<ArgumentOutOfRangeException>(() => CharVocabulary.Build("abc", maxSize: Max + 1));
        Assert.Contains("'maxSize' was 1048577; it must be at most 1048576", big.Message);
    }

    [Fact]
    public void Character_vocabulary_of_more_symbols_than_the_limit_cannot_be_made()
    {
        var symbols = new Rune[Max + 1];
        int v = 0;
        for (int i = 0; i < symbols.Length; i++, v++)
        {
            if (v == 0xD800) v = 0xE000;
            symbols[i] = new Rune(v);
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CharVocabulary(symbols));
        Assert.Contains("1048577 symbols", e.Message);
        Assert.Contains("at most 1048576", e.Message);
    }

    [Fact]
    public void Token_vocabulary_refuses_a_stream_with_more_distinct_tokens_than_the_limit()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TokenVocabulary.Build(DistinctTokens(Max - 1), paddingToken: "<pad>"));
        Assert.Contains($"token {Max - 2}, \"t{Max - 2}\", is one more", e.Message);
        Assert.Contains("at most 1048576 ids", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenVocabulary.Build(["a"], maxSize: Max + 1));
    }

    [Fact]
    public void Translation_vocabulary_refuses_past_the_limit_while_counting_with_min_count_1()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TranslationVocabulary.Build([DistinctTokens(Max - 3).ToArray()], 1, out _));
        Assert.Contains($"more than {Max - 4} distinct tokens seen at least 1 times", e.Message);
        Assert.Contains("raise the minimum token count", e.Message);
    }

    [Fact]
    public void Translation_vocabulary_refuses_past_the_limit_after_counting_with_a_higher_min_count()
    {
        // Every token twice: all are kept with min count 2, one too many.
        string[][] sentences = [DistinctTokens(Max - 3, times: 2).ToArray()];
        var e = Assert.Throws<InvalidOperationException>(() => TranslationVocabulary.Build(sentences, 2, out _));
        Assert.Contains($"holds {Max - 3} distinct tokens seen at least 2 times", e.Message);
    }

    [Fact]
    public void Key_vocabulary_refuses_a_key_count_above_the_limit_before_allocating_per_key()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyVocabulary.KeepFrequent([[1]], (1 << 30), 1));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("'keyCount' was 1073741824; it must be at most 16777216 (RecurrentLimits.MaxKeyCount)", e.Message);
    }

    [Fact]
    public void Key_vocabulary_refuses_to_keep_more_ids_than_the_vocabulary_limit()
    {
        int[] row = [.. Enumerable.Range(1, Max)]; // Max keys kept + the unknown id: one id too many
        var e = Assert.Throws<InvalidOperationException>(() => KeyVocabulary.KeepFrequent([row], Max, 1));
        Assert.Contains($"{Max} of the {Max} keys are seen at least 1 times; the network would embed {Max + 1} ids", e.Message);
        Assert.Contains("raise the minimum token count or hash to fewer bits", e.Message);
        Assert.Equal(Max, KeyVocabulary.KeepFrequent([row[1..]], Max, 1).Max() + 1); // at the limit: fine
    }

    [Theory]
    [InlineData("InputVocabularySize")]
    [InlineData("OutputSize")]
    [InlineData("CharacterVocabularySize")]
    [InlineData("CrfOutputSize")]
    public void Network_sizes_above_the_limits_are_refused_before_the_network_is_built(string option)
    {
        var options = option switch
        {
            "InputVocabularySize" => new SequenceNetworkOptions { InputVocabularySize = Max + 1, OutputSize = 2 },
            "OutputSize" => new SequenceNetworkOptions { InputVocabularySize = 5, OutputSize = Max + 1 },
            "CharacterVocabularySize" => new SequenceNetworkOptions { InputVocabularySize = 5, OutputSize = 2, PerStepOutput = true, CharacterVocabularySize = Max + 1 },
            _ => new SequenceNetworkOptions { InputVocabularySize = 5, OutputSize = RecurrentLimits.MaxCrfTagCount + 1, PerStepOutput = true, OutputLayer = SequenceOutputLayer.Crf },
        };
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceNetwork(options));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains(option == "CrfOutputSize" ? "'OutputSize' was 4097; it must be at most 4096 (RecurrentLimits.MaxCrfTagCount" : $"'{option}' was {Max + 1}; it must be at most {Max}", e.Message);
    }

    [Fact]
    public void Encoder_decoder_vocabularies_above_the_limit_are_refused_before_the_network_is_built()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderDecoder(new EncoderDecoderOptions { SourceVocabularySize = 10, TargetVocabularySize = 1 << 30 }));
        Assert.Contains("'TargetVocabularySize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderDecoder(new EncoderDecoderOptions { SourceVocabularySize = Max + 1, TargetVocabularySize = 10 }));
        Assert.Contains("'SourceVocabularySize' was 1048577", e.Message);
    }

    [Fact]
    public void Character_model_options_bound_the_maximum_vocabulary_size()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CharLanguageModelOptions { MaxVocabularySize = Max + 1 }.Validate());
        Assert.Contains("'MaxVocabularySize' was 1048577; it must be at most 1048576", e.Message);
    }

    [Fact]
    public void A_character_model_file_with_a_vocabulary_above_the_limit_is_rejected_at_load()
    {
        // A file written as CharLanguageModel.Write writes one, whose vocabulary claims one id too many (the file
        // holds them all: the loader's byte checks pass, the limit does not).
        var network = new SequenceNetwork(new SequenceNetworkOptions { InputVocabularySize = 4, EmbeddingSize = 2, HiddenSize = 2, Layers = 1, PerStepOutput = true, OutputSize = 4 });
        network.Initialize(1);
        var file = new ModelFile();
        file.Configuration.Set("kind", "CharLanguageModel");
        file.Configuration.Set("charlm.separator", "\n");
        file.Configuration.Set("charlm.unknownId", 0);
        file.AddVocabulary("chars", DistinctRunes(Max + 1).EnumerateRunes().Select(r => r.ToString()));
        network.WriteTo(file);
        using var bytes = new MemoryStream();
        file.Write(bytes);
        bytes.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => CharLanguageModel.Read(bytes));
        Assert.Contains("holds 1048577 symbols; a vocabulary may hold at most 1048576 (RecurrentLimits.MaxVocabularySize)", e.Message);
    }
}
