using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

public sealed class EncoderDecoderTests(ITestOutputHelper output)
{
    private const int Start = 2, End = 3;

    private static EncoderDecoder Tiny(CellType cell = CellType.Lstm, AttentionStyle attention = AttentionStyle.Additive, int vt = 6)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 7, TargetVocabularySize = vt, EmbeddingSize = 3, HiddenSize = 4, AttentionSize = 5,
            Cell = cell, Attention = attention,
        });
        network.Initialize(3);
        return network;
    }

    [Theory]
    [InlineData(CellType.Lstm, AttentionStyle.Additive)]
    [InlineData(CellType.Gru, AttentionStyle.General)]
    [InlineData(CellType.Lstm, AttentionStyle.Dot)]
    public void Step_decoding_gives_the_teacher_forced_logits_and_attention(CellType cell, AttentionStyle attention)
    {
        var network = Tiny(cell, attention);
        int[][] sources = [[1, 2, 3], [4, 5]];
        int[][] targets = [[4, 1, 5], [5, 4, 4]];
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs(sources, targets, Start, End).Fill([0, 1], batch);
        network.Forward(batch, training: false);
        float[] forced = network.AttentionWeights.Span.ToArray();
        var logitsForced = new float[4 * 2 * 6];
        var session = network.CreateDecoder(sources);
        session.Reset(2);
        var logits = new float[2 * 6];
        double maxDiff = 0;
        for (int t = 0; t < 4; t++)
        {
            int[] tokens = t == 0 ? [Start, Start] : [targets[0][t - 1], targets[1][t - 1]];
            session.Step(tokens, logits);
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < sources[b].Length; j++)
                    maxDiff = Math.Max(maxDiff, Math.Abs(session.AttentionWeights[b * 3 + j] - forced[(t * 2 + b) * 3 + j]));
            logits.CopyTo(logitsForced, t * 12);
        }
        // The teacher-forced loss from the session's logits equals the network's.
        double nll = 0;
        for (int t = 0; t < 4; t++)
            for (int b = 0; b < 2; b++)
            {
                var row = logitsForced.AsSpan((t * 2 + b) * 6, 6);
                int y = t < 3 ? targets[b][t] : End;
                float max = TensorPrimitives.Max(row);
                double sum = 0;
                foreach (float z in row) sum += Math.Exp(z - max);
                nll += max + Math.Log(sum) - row[y];
            }
        double loss = network.Forward(batch, training: false);
        output.WriteLine($"max attention difference {maxDiff:E2}; loss {loss:F6} vs {nll / 8:F6}");
        Assert.True(maxDiff < 1e-5);
        Assert.Equal(loss, nll / 8, 5);
    }

    [Fact]
    public void Beam_search_wide_enough_returns_the_exact_n_best_of_an_exhaustive_search()
    {
        // V = 6: 0 pad, 1 unk, 2 <s>, 3 </s>, 4 and 5; hypotheses of up to 3 tokens; a beam of 200 keeps everything.
        var network = Tiny();
        foreach (var p in network.Parameters.Parameters) TensorPrimitives.Multiply(p.Value, 3f, p.Value);  // peakier distributions
        int[] source = [1, 4, 2];
        const int maxLength = 3;
        var hypotheses = network.Beam(source, Start, End, width: 200, lengthPenalty: 1f, maxLengthFactor: 0, maxLengthExtra: maxLength);

        // Exhaustive: every sequence over all 6 tokens except </s>, ended by </s> or by the length limit.
        var all = new List<(int[] Tokens, double LogP)>();
        var session = network.CreateDecoder([source]);
        var logits = new float[6];
        void Expand(List<int> prefix, double logP)
        {
            session.Reset(1);
            session.Step([Start], logits);
            foreach (int y in prefix) session.Step([y], logits);
            var logProbs = LogSoftmax(logits);
            all.Add((prefix.ToArray(), logP + logProbs[End]));
            if (prefix.Count == maxLength - 1)
            {
                for (int y = 0; y < 6; y++) if (y != End) all.Add(([.. prefix, y], logP + logProbs[y]));
                return;
            }
            for (int y = 0; y < 6; y++)
                if (y != End) Expand([.. prefix, y], logP + logProbs[y]);
        }
        Expand([], 0);
        var best = all.Select(h => (h.Tokens, h.LogP, Score: h.LogP / Math.Max(1, h.Tokens.Length))).OrderByDescending(h => h.Score).Take(5).ToArray();
        for (int i = 0; i < 5; i++)
        {
            output.WriteLine($"{string.Join(' ', hypotheses[i].Tokens)} {hypotheses[i].Score:F6} | {string.Join(' ', best[i].Tokens)} {best[i].Score:F6}");
            Assert.Equal(best[i].Tokens, hypotheses[i].Tokens);
            Assert.Equal(best[i].LogP, hypotheses[i].LogProbability, 4);
        }
    }

    private static double[] LogSoftmax(float[] z)
    {
        double max = z.Max(), lse = max + Math.Log(z.Sum(x => Math.Exp(x - max)));
        return z.Select(x => x - lse).ToArray();
    }

    [Fact]
    public void It_learns_to_reverse_sequences_to_exact_match_within_seconds()
    {
        // Tokens 4..11 are symbols; sources of 3 to 6 symbols; the target is the source reversed.
        var random = new Random(7);
        int[][] Make(int n) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, random.Next(3, 7)).Select(_ => random.Next(4, 12)).ToArray()).ToArray();
        int[][] trainSources = Make(1000), testSources = Make(100);
        var train = new Seq2SeqPairs(trainSources, [.. trainSources.Select(s => s.Reverse().ToArray())], Start, End);
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVocabularySize = 12, TargetVocabularySize = 12, EmbeddingSize = 16, HiddenSize = 32,
        });
        network.Initialize(1);
        var result = new Seq2SeqTrainer(network, new Seq2SeqTrainerOptions
        {
            Epochs = 10, LearningRate = 1e-2, BatchSize = 32, ValidationFraction = 0.05, Patience = 0, Seed = 1,
        }).Fit(train);
        var outputs = network.Greedy(testSources, Start, End);
        int exact = outputs.Zip(testSources).Count(p => p.First.SequenceEqual(p.Second.Reverse()));
        output.WriteLine($"validation loss {result.BestValidation!.Loss:F4}, exact {exact}/100 after {result.Steps} steps");
        Assert.Equal(100, exact);
        Assert.True(result.BestValidation.Loss < 0.05);
    }

    [Fact]
    public void Dot_attention_scores_the_decoder_state_against_both_halves_of_each_annotation_as_computed_by_hand()
    {
        // H = 2, S = 3, two rows: row 0 reads all three annotations, row 1 only the first two (padding masked).
        var network = Tiny(attention: AttentionStyle.Dot);
        float[][] enc = [[1, 0, 0, 2], [0, 1, 1, 0], [1, 1, -1, 0]];
        const int h = 4, d = 8;
        // Embed the 2-wide hand values in H = 4 (zeros elsewhere) so the network's own sizes are used.
        var annotations = new float[3 * 2 * d];
        for (int j = 0; j < 3; j++)
            for (int r = 0; r < 2; r++)
            {
                annotations[(j * 2 + r) * d + 0] = enc[j][0];
                annotations[(j * 2 + r) * d + 1] = enc[j][1];
                annotations[(j * 2 + r) * d + h + 0] = enc[j][2];
                annotations[(j * 2 + r) * d + h + 1] = enc[j][3];
            }
        var keys = new float[3 * 2 * h];
        EncoderDecoder.DotKeys(annotations, keys, 6, h);
        Assert.Equal([1f, 2f, 0f, 0f], keys.AsSpan(0, h).ToArray());           // enc_0^fwd + enc_0^bwd
        Assert.Equal([0f, 1f, 0f, 0f], keys.AsSpan(2 * 2 * h, h).ToArray());   // enc_2: (1 - 1, 1 + 0)
        float[] hidden = [0.5f, -1f, 0f, 0f, 0.5f, -1f, 0f, 0f];
        var weights = new float[2 * 3];
        var context = new float[2 * d];
        network.AttendForward(hidden, annotations, keys, [3, 2], 3, 2, default, default, weights, context);
        // Row 0: scores h . k_j = -1.5, -0.5, -1.0; softmax by hand; ctx = sum_j a_j enc_j.
        double[] a0 = [0.1863237232258476, 0.506480391055654, 0.3071958857184984];
        double[] ctx0 = [0.493519608944346, 0.8136762767741523, 0.19928450533715564, 0.3726474464516952];
        // Row 1: scores -1.5, -0.5 only: a = (1 / (1 + e), e / (1 + e)); ctx = a_0 enc_0 + a_1 enc_1.
        double e1 = Math.E, b0 = 1 / (1 + e1), b1 = e1 / (1 + e1);
        double[] ctx1 = [b0, b1, b1, 2 * b0];
        for (int j = 0; j < 3; j++) Assert.Equal(a0[j], weights[j], 1e-6);
        Assert.Equal(b0, weights[3], 1e-6);
        Assert.Equal(b1, weights[4], 1e-6);
        Assert.Equal(0f, weights[5]);
        int[] at = [0, 1, h, h + 1];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(ctx0[i], context[at[i]], 1e-6);
            Assert.Equal(ctx1[i], context[d + at[i]], 1e-6);
        }
        Assert.False(network.Parameters.Contains("att_k.weight") || network.Parameters.Contains("att_q.weight") || network.Parameters.Contains("att_v.weight"));
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void With_the_vector_at_every_step_step_decoding_gives_the_teacher_forced_logits(CellType cell)
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVectorSize = 3, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, Cell = cell, ConditionEveryStep = true,
        });
        network.Initialize(4);
        float[][] sources = [[0.5f, -1f, 0.2f], [1f, 0f, 0f, 0.3f, 0.3f, -0.7f]];   // one vector; a grid of two
        int[][] targets = [[4, 1, 5], [5, 4]];
        var batch = new Seq2SeqBatch();
        new VectorSequencePairs(sources, targets, 3, Start, End).Fill([0, 1], batch);
        network.Forward(batch, training: false);
        var session = network.CreateDecoder(sources);
        session.Reset(2);
        var logits = new float[2 * 6];
        double nll = 0;
        int count = 0;
        for (int t = 0; t < 4; t++)
        {
            int[] tokens = [t == 0 ? Start : targets[0][t - 1], t == 0 ? Start : t - 1 < targets[1].Length ? targets[1][t - 1] : End];
            session.Step(tokens, logits);
            for (int b = 0; b < 2; b++)
            {
                if (t > targets[b].Length) continue;
                double[] lp = LogSoftmax(logits.AsSpan(b * 6, 6).ToArray());
                nll -= lp[t < targets[b].Length ? targets[b][t] : End];
                count++;
            }
        }
        double loss = network.Forward(batch, training: false);
        output.WriteLine($"{cell}: forced {loss:F6}, stepped {nll / count:F6}");
        Assert.Equal(loss, nll / count, 5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conditioned_on_a_one_hot_vector_it_learns_each_condition_s_sentence_and_samples_are_seeded(bool everyStep)
    {
        // Four conditions, each with its own sentence; the source is the condition's one-hot vector.
        int[][] sentences = [[4, 5, 6], [7, 4], [8, 8, 9, 5], [6, 9]];
        float[] OneHot(int k) => [.. Enumerable.Range(0, 4).Select(j => j == k ? 1f : 0f)];
        var sources = Enumerable.Range(0, 200).Select(i => OneHot(i % 4)).ToArray();
        var targets = Enumerable.Range(0, 200).Select(i => sentences[i % 4]).ToArray();
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVectorSize = 4, TargetVocabularySize = 10, EmbeddingSize = 8, HiddenSize = 16, ConditionEveryStep = everyStep,
        });
        network.Initialize(2);
        new Seq2SeqTrainer(network, new Seq2SeqTrainerOptions { Epochs = 15, LearningRate = 1e-2, BatchSize = 16, ValidationFraction = 0, Seed = 2 })
            .Fit(new VectorSequencePairs(sources, targets, 4, Start, End));
        var greedy = network.Generate([OneHot(0), OneHot(1), OneHot(2), OneHot(3)], Start, End, maxLength: 10);
        for (int k = 0; k < 4; k++) Assert.Equal(sentences[k], greedy[k]);
        var sampling = new MLNet.Recurrent.Core.Decoding.SamplingOptions { Temperature = 1.5f, Seed = 9 };
        Assert.Equal(network.Generate([OneHot(2)], Start, End, 10, sampling), network.Generate([OneHot(2)], Start, End, 10, sampling));
    }

    [Fact]
    public void Scheduled_sampling_is_seeded_and_resumes_from_its_exported_state()
    {
        var network = Tiny();
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs([[1, 2, 3], [4], [5, 6, 1, 2]], [[1, 4, 5, 4], [5, 5, 3, 2], [4]], Start, End).Fill([0, 1, 2], batch);
        network.TeacherForcing = new TeacherForcingSchedule(TeacherForcingDecay.Constant, 0.3, 0, 0);
        long[] state = network.ExportRandomState();
        double first = network.ForwardForTraining(batch);
        double second = network.ForwardForTraining(batch);
        network.ImportRandomState(state);
        Assert.Equal(first, network.ForwardForTraining(batch));
        Assert.Equal(second, network.ForwardForTraining(batch));
        Assert.Equal(2, network.TrainingSteps);
        network.TeacherForcing = TeacherForcingSchedule.Always;
        Assert.NotEqual(first, network.ForwardForTraining(batch));   // the sampled inputs changed the loss
    }

    [Fact]
    public void A_bad_batch_or_source_is_refused_naming_the_position_and_value()
    {
        var network = Tiny();
        var batch = new Seq2SeqBatch();
        new Seq2SeqPairs([[1, 2, 9]], [[1]], Start, End).Fill([0], batch);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(batch, training: false));
        Assert.Contains("'Source[2]' was 9; source ids are in [0, 7)", e.Message);
        var empty = Assert.Throws<ArgumentException>(() => new Seq2SeqPairs([[1], []], [[1], [2]], Start, End));
        Assert.Contains("'sources[1]' was \"empty\"; every pair needs a source of at least one token", empty.Message);
        var bad = Assert.Throws<ArgumentException>(() => network.CreateDecoder(new[] { Array.Empty<int>() }));
        Assert.Contains("'sources[0]' was \"empty\"; a source needs at least one token", bad.Message);
    }

    [Fact]
    public void A_checkpointed_run_resumed_ends_with_the_weights_of_an_uninterrupted_one()
    {
        int[][] sources = Enumerable.Range(0, 40).Select(i => new[] { 4 + i % 3, 5, 4 + i % 2 }).ToArray();
        var pairs = new Seq2SeqPairs(sources, [.. sources.Select(s => s.Reverse().ToArray())], Start, End);
        var options = new Seq2SeqTrainerOptions
        {
            Epochs = 3, BatchSize = 8, Seed = 2, Patience = 0, ValidationFraction = 0.1, CheckpointEvery = 7,
            TeacherForcing = new TeacherForcingSchedule(TeacherForcingDecay.Linear, 1, 0.02, 0.3),
        };
        EncoderDecoder Fresh()
        {
            var n = new EncoderDecoder(new EncoderDecoderOptions { SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 4, HiddenSize = 5, Dropout = 0.2f });
            n.Initialize(4);
            return n;
        }
        var whole = Fresh();
        new Seq2SeqTrainer(whole, options).Fit(pairs);

        var interrupted = Fresh();
        TrainingCheckpoint? saved = null;
        var trainer = new Seq2SeqTrainer(interrupted, options) { OnCheckpoint = c => saved ??= c };
        trainer.Fit(pairs);
        var resumed = Fresh();
        new Seq2SeqTrainer(resumed, options).Fit(pairs, resume: saved);
        Assert.Equal(whole.Parameters.Values, resumed.Parameters.Values);
    }
}
