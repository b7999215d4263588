using MLNet.Recurrent.Core.Decoding;

namespace MLNet.Recurrent.Core.Tests.Decoding;

public class BeamSearchTests
{
    // Token 0 is a tempting first step that leads nowhere good; token 1 starts the best path.
    private static readonly float[][] Trap =
    [
        [0.0f, 1.0f, 0.9f],
        [-3f, 4.0f, -3f],
        [0.0f, 0.0f, 0.0f],
    ];

    private static float[][] RandomTable(int v, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, v).Select(_ => Enumerable.Range(0, v).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    private static IEnumerable<int[]> AllSequences(int v, int length) =>
        length == 0 ? [[]] : AllSequences(v, length - 1).SelectMany(p => Enumerable.Range(0, v).Select(t => (int[])[.. p, t]));

    [Fact]
    public void A_beam_as_wide_as_all_sequences_finds_the_exact_best_ones()
    {
        var table = RandomTable(3, seed: 4);
        var decoder = new MarkovDecoder(table);
        var exact = AllSequences(3, 4).Select(s => (Tokens: s, LogP: decoder.LogProbability(0, s)))
            .OrderByDescending(x => x.LogP).Take(5).ToArray();

        var found = BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 81, MaxLength = 4, LengthPenalty = 0 });

        // Compare scores, not token lists: sequences made of the same transitions tie exactly.
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(exact[i].LogP, found[i].LogProbability, 4);
            Assert.Equal(decoder.LogProbability(0, found[i].Tokens), found[i].LogProbability, 4);
        }
    }

    [Fact]
    public void Width_one_is_greedy_and_a_wider_beam_escapes_the_trap()
    {
        var decoder = new MarkovDecoder(Trap);
        var greedy = TokenGenerator.Sample(decoder, [2], 3, new SamplingOptions { Temperature = 0 }).ToArray();
        var narrow = BeamSearch.Search(decoder, [2], new BeamSearchOptions { BeamWidth = 1, MaxLength = 3, LengthPenalty = 0 });
        var wide = BeamSearch.Search(decoder, [2], new BeamSearchOptions { BeamWidth = 3, MaxLength = 3, LengthPenalty = 0 });

        // Greedy takes 1 then stays on 1 (score 4 > others); with row 2 uniform the first step is a tie broken to 0.
        Assert.Equal(greedy, narrow[0].Tokens);
        Assert.True(wide[0].LogProbability > narrow[0].LogProbability);
        Assert.Equal(decoder.LogProbability(2, wide[0].Tokens), wide[0].LogProbability, 4);
    }

    [Fact]
    public void Diverse_groups_start_differently_when_penalized_and_agree_when_not()
    {
        var table = RandomTable(5, seed: 9);
        var plain = BeamSearch.Search(new MarkovDecoder(table), [0],
            new BeamSearchOptions { BeamWidth = 3, Groups = 3, MaxLength = 4, DiversityPenalty = 0 });
        var diverse = BeamSearch.Search(new MarkovDecoder(table), [0],
            new BeamSearchOptions { BeamWidth = 3, Groups = 3, MaxLength = 4, DiversityPenalty = 100 });

        Assert.Single(plain.Select(h => string.Join(",", h.Tokens)).Distinct());
        Assert.Equal(3, diverse.Select(h => h.Tokens[0]).Distinct().Count());
        Assert.Equal(new[] { 0, 1, 2 }, diverse.Select(h => h.Group).Order());
    }

    [Fact]
    public void An_end_token_finishes_a_hypothesis_and_length_normalization_decides_between_lengths()
    {
        // From 0, ending (token 2) at once has log-probability -0.97; six steps of token 1 total -2.04
        // (-0.34 a token). Raw scores prefer ending at once; per-token scores prefer the long hypothesis.
        float[][] table =
        [
            [-10f, 0f, -0.5f],
            [-10f, 0f, -1f],
            [0f, 0f, 0f],
        ];
        var raw = BeamSearch.Search(new MarkovDecoder(table), [0], new BeamSearchOptions { BeamWidth = 2, MaxLength = 6, EndToken = 2, LengthPenalty = 0 });
        var normalized = BeamSearch.Search(new MarkovDecoder(table), [0], new BeamSearchOptions { BeamWidth = 2, MaxLength = 6, EndToken = 2, LengthPenalty = 1 });

        Assert.Empty(raw[0].Tokens);          // ended at once: the highest raw log-probability
        Assert.True(normalized[0].Tokens.Length > 1);
        Assert.All(normalized, h => Assert.DoesNotContain(2, h.Tokens));
    }

    // A hand-made chain over tokens 0, 1, 2 and the end token 3, started from 0.
    private static readonly float[][] WithEnd =
    [
        [0.2f, 1.0f, -0.5f, 0.1f],
        [0.7f, -0.3f, 0.4f, 0.9f],
        [-1f, 0.5f, 0.3f, -0.2f],
        [0f, 0f, 0f, 0f],
    ];

    /// <summary>
    /// Every hypothesis of at most <paramref name="maxLength"/> tokens by hand: those that end (the end token's
    /// log-probability included, the end token not counted unless <paramref name="countEnd"/>) and those cut at the limit.
    /// </summary>
    private static (int[] Tokens, double LogP, double Score)[] Enumerate(MarkovDecoder decoder, int maxLength, float alpha, bool countEnd)
    {
        var all = new List<(int[], double, double)>();
        foreach (int length in Enumerable.Range(0, maxLength + 1))
            foreach (int[] tokens in AllSequences(3, length))
            {
                if (length < maxLength)
                {
                    double ended = decoder.LogProbability(0, [.. tokens, 3]);
                    all.Add((tokens, ended, ended / Math.Pow(Math.Max(1, length + (countEnd ? 1 : 0)), alpha)));
                }
                else
                {
                    double cut = decoder.LogProbability(0, tokens);
                    all.Add((tokens, cut, cut / Math.Pow(Math.Max(1, length), alpha)));
                }
            }
        return [.. all.OrderByDescending(h => h.Item3)];
    }

    [Theory]
    [InlineData(1f, false)]
    [InlineData(1f, true)]
    [InlineData(0f, false)]
    [InlineData(0.6f, true)]
    public void The_n_best_list_of_a_hand_made_model_is_exact_with_end_token_log_probabilities_and_length_normalization(float alpha, bool countEnd)
    {
        var decoder = new MarkovDecoder(WithEnd);
        var exact = Enumerate(decoder, maxLength: 3, alpha, countEnd);
        // W = 28 is more than every live hypothesis (3^3), so the search is exhaustive.
        var found = BeamSearch.Search(decoder, [0], new BeamSearchOptions
        {
            BeamWidth = 28, MaxLength = 3, EndToken = 3, LengthPenalty = alpha, LengthCountsEndToken = countEnd,
        });
        // Of the 40 hypotheses (13 that end within 3 tokens, 27 cut at the limit) the best W = 28 come back, in order.
        Assert.Equal(40, exact.Length);
        Assert.Equal(28, found.Count);
        // Scores in order, and each returned hypothesis is the hand-scored one with its tokens (sequences made of
        // the same transitions, such as 0 1 0 and 1 0 0 from 0, tie exactly, so their order is not compared).
        var byTokens = exact.ToDictionary(h => string.Join(",", h.Tokens));
        for (int i = 0; i < 28; i++)
        {
            Assert.Equal(exact[i].Score, found[i].Score, 5);
            var hand = byTokens[string.Join(",", found[i].Tokens)];
            Assert.Equal(hand.LogP, found[i].LogProbability, 5);
            Assert.Equal(hand.Score, found[i].Score, 5);
        }
    }

    [Fact]
    public void Early_stopping_returns_only_hypotheses_that_ended_scored_with_their_end_token()
    {
        var decoder = new MarkovDecoder(WithEnd);
        var found = BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 3, MaxLength = 20, EndToken = 3, EarlyStopping = true });
        Assert.Equal(3, found.Count);
        foreach (var h in found)
        {
            Assert.True(h.Tokens.Length < 20);
            Assert.Equal(decoder.LogProbability(0, [.. h.Tokens, 3]), h.LogProbability, 5);   // the end token's log-probability is in
            Assert.Equal(h.LogProbability / Math.Max(1, h.Tokens.Length), h.Score, 9);
        }
    }

    [Fact]
    public void A_stop_predicate_ends_hypotheses_and_bad_options_name_themselves()
    {
        var decoder = new MarkovDecoder(RandomTable(4, seed: 2));
        var found = BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 4, MaxLength = 10 }, t => t.Length == 3);
        Assert.All(found, h => Assert.Equal(3, h.Tokens.Length));

        var e = Assert.Throws<ArgumentException>(() => BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 4, Groups = 3 }));
        Assert.Contains("'Groups' was 3", e.Message);
        Assert.Contains("'BeamWidth' (4)", e.Message);
    }

    [Fact]
    public void Absurd_beam_width_raises_ArgumentOutOfRangeException_naming_BeamWidth_and_the_limit()
    {
        var decoder = new WideVocabulary(30); // 100,000,000 x 30 logits overflowed int and raised OverflowException
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 100_000_000 }));
        Assert.Equal("BeamWidth", e.ParamName);
        Assert.Contains("'BeamWidth' was 100000000; it must be at most 10000", e.Message);
    }

    [Fact]
    public void Beam_width_times_vocabulary_is_bounded_before_anything_is_allocated()
    {
        var decoder = new WideVocabulary(5_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BeamSearch.Search(decoder, [0], new BeamSearchOptions { BeamWidth = 10 }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("'BeamWidth' was 10; 'BeamWidth' times the vocabulary (5000000) must be at most 33554432", e.Message);
    }

    /// <summary>A decoder with a huge vocabulary that must never be stepped.</summary>
    private sealed class WideVocabulary(int v) : IStepDecoder
    {
        public int VocabularySize => v;

        public int BatchSize => 1;

        public void Reset(int batchSize) => throw new InvalidOperationException("not expected");

        public void Step(ReadOnlySpan<int> tokens, Span<float> logits) => throw new InvalidOperationException("not expected");

        public void Reorder(ReadOnlySpan<int> sourceRows) => throw new InvalidOperationException("not expected");
    }
}
