using System.Text;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Interpretability;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// The character model against independent computations: scores from step-by-step logits computed by hand, traces
/// against the network's own forward pass, beam-search probabilities against scores; plus determinism, save/load,
/// stop sequences and option errors. One tiny 2 x 12 LSTM trained for 60 steps on a few kilobytes serves every test.
/// </summary>
public sealed class CharLanguageModelTests(ITestOutputHelper output)
{
    private static readonly Lazy<(CharLanguageModel Model, TrainingResult Result)> s_trained = new(() => CharLanguageModel.Train(Corpus(), new CharLanguageModelOptions
    {
        EmbeddingSize = 6, HiddenSize = 12, Layers = 2,
        Training = new StreamTrainerOptions { Steps = 60, BatchSize = 4, SequenceLength = 16, EvaluateEvery = 30, LearningRate = 1e-2, Seed = 3 },
    }));

    private static CharLanguageModel Model => s_trained.Value.Model;

    /// <summary>Sentences with quotes and short lines, ~6 KB, so the model has something to learn and trace.</summary>
    private static string Corpus()
    {
        var rng = new Random(5);
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "and", "said", "nothing", "to", "anyone"];
        var sb = new StringBuilder();
        while (sb.Length < 6000)
        {
            int n = 3 + rng.Next(5);
            var line = string.Join(' ', Enumerable.Range(0, n).Select(_ => words[rng.Next(words.Length)]));
            sb.Append(rng.Next(3) == 0 ? $"\"{line},\" she said.\n" : line + ".\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void Training_lowers_validation_bits_per_char_below_the_uniform_rate()
    {
        var (model, result) = s_trained.Value;
        double uniform = Math.Log2(model.Vocabulary.Count);
        output.WriteLine($"vocabulary {model.Vocabulary.Count}, uniform {uniform:F3} bits/char; validation: " +
            string.Join(", ", result.History.Select(h => $"step {h.Step}: {h.Validation!.BitsPerToken:F3}")));
        Assert.NotNull(result.BestValidation);
        Assert.True(result.BestValidation.BitsPerToken < uniform - 1, $"best {result.BestValidation.BitsPerToken} bits/char, uniform {uniform}");
    }

    [Fact]
    public void A_run_stopped_by_its_time_budget_still_evaluates_its_last_weights()
    {
        var (_, result) = CharLanguageModel.Train(Corpus(), new CharLanguageModelOptions
        {
            EmbeddingSize = 4, HiddenSize = 6, Layers = 1,
            Training = new StreamTrainerOptions { Steps = 100_000, MaxDuration = TimeSpan.FromMilliseconds(1), EvaluateEvery = 100_000, BatchSize = 2, SequenceLength = 8 },
        });
        output.WriteLine($"stopped after {result.Steps} updates; evaluations at {string.Join(", ", result.History.Select(h => h.Step))}");
        Assert.True(result.Steps < 100_000);
        Assert.Equal(result.Steps, Assert.Single(result.History).Step);
        Assert.Same(result.History[0].Validation, result.BestValidation);
        Assert.False(result.Canceled);
    }

    [Fact]
    public void Score_equals_the_sum_of_per_character_log_probabilities_from_hand_computed_step_logits()
    {
        var model = Model;
        const string text = "the cat said \"nothing\" to anyone.\nzq"; // 'z', 'q' are unseen: they score as the unknown symbol
        var (logLikelihood, bits) = model.Score(text);

        // Independently: step the recurrent stack one rune at a time and apply the output layer in double.
        var net = model.Network;
        int e = net.Options.EmbeddingSize, h = net.Options.HiddenSize, v = model.Vocabulary.Count;
        float[] emb = net.Parameters["embedding.weight"].Value.ToArray();
        float[] w = net.Parameters["output.weight"].Value.ToArray(); // [V, H]
        float[] bias = net.Parameters["output.bias"].Value.ToArray();
        int[] ids = [model.Vocabulary.GetId(new Rune('\n')), .. model.Vocabulary.Encode(text)];
        var state = net.Recurrent.CreateState(1);
        var top = new float[h];
        double expected = 0;
        for (int t = 0; t < ids.Length - 1; t++)
        {
            net.Recurrent.Step(emb.AsSpan(ids[t] * e, e), state, top);
            var logits = new double[v];
            for (int k = 0; k < v; k++)
            {
                double z = bias[k];
                for (int j = 0; j < h; j++) z += (double)w[k * h + j] * top[j];
                logits[k] = z;
            }
            double max = logits.Max();
            double logSum = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
            expected += logits[ids[t + 1]] - logSum;
        }
        int n = ids.Length - 1;
        output.WriteLine($"Score {logLikelihood:F6} nats, by hand {expected:F6}; difference {Math.Abs(logLikelihood - expected):E2} (tolerance 1e-3)");
        Assert.Equal(expected, logLikelihood, 1e-3);
        Assert.Equal(-expected / Math.Log(2) / n, bits, 1e-4);
        Assert.Equal((0d, 0d), model.Score(""));
    }

    [Fact]
    public void Trace_last_state_equals_the_networks_forward_final_state()
    {
        var model = Model;
        const string text = "\"on a mat,\" she said.\nthe cat";
        var trace = model.Trace(text);
        Assert.Equal(text.Length, trace.Length);
        Assert.Equal(2, trace.Layers);
        Assert.True(trace.HasCellState);

        // The network's own whole-sequence forward pass, from the same priming character.
        var net = model.Network.Clone();
        int[] ids = [model.Vocabulary.GetId(new Rune('\n')), .. model.Vocabulary.Encode(text)];
        var batch = new SequenceBatch();
        batch.Reset(1, ids.Length, 0, perStepTargets: true);
        batch.SetTokens(0, ids);
        net.RunInference(batch);
        var final = net.SaveFinalState(); // [L, 1, H]
        int h = trace.HiddenSize, last = trace.Length - 1;
        double maxDiff = 0;
        for (int l = 0; l < trace.Layers; l++)
            for (int j = 0; j < h; j++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(final.Hidden.Span[l * h + j] - trace.Hidden(l)[last * h + j]));
                maxDiff = Math.Max(maxDiff, Math.Abs(final.Cell.Span[l * h + j] - trace.Cell(l)[last * h + j]));
            }
        output.WriteLine($"max |forward - trace| over h and c of both layers: {maxDiff:E2} (tolerance 1e-5)");
        Assert.True(maxDiff < 1e-5);
        // The top layer's h feeds the output layer; its rows differ from step to step (a real trace, not a copy).
        Assert.NotEqual(trace.Activation(1, ActivationKind.Hidden, 0)[0], trace.Activation(1, ActivationKind.Hidden, 0)[last]);
    }

    [Fact]
    public void FindCells_and_the_html_export_rank_and_draw_the_traced_units()
    {
        var model = Model;
        string text = Corpus()[..800];
        var found = model.FindCells(text, top: 3, [CellDetectors.InsideQuotes, CellDetectors.LinePosition]);
        var trace = model.Trace(text);
        foreach (var (name, cells) in found)
        {
            output.WriteLine($"{name}: {string.Join("; ", cells.Select(c => c.Label))}");
            var detector = name == "inside quotes" ? CellDetectors.InsideQuotes : CellDetectors.LinePosition;
            double r = CellRanking.Correlation(detector.Evaluate(text), [.. trace.Activation(cells[0].Layer, cells[0].Kind, cells[0].Unit).Select(x => (double)x)]);
            Assert.Equal(r, cells[0].Correlation, 1e-9);
            Assert.True(Math.Abs(cells[0].Correlation) >= Math.Abs(cells[2].Correlation));
        }

        const string passage = "\"a cat,\" she said.\n";
        string html = model.ExportCellsHtml(passage, cellsPerDetector: 1, title: "t<1>");
        Assert.Contains("<title>t&lt;1&gt;</title>", html);
        Assert.Contains("<title>2 x 12 LSTM: the most interpretable units</title>", model.ExportCellsHtml(passage, cellsPerDetector: 1));
        Assert.Equal(2, html.Split("<section>").Length - 1); // one unit for each of the two default detectors
        Assert.Equal(2 * passage.Length, html.Split("\" title=\"").Length - 1); // one titled span per character per block
        // The first block is the best "inside quotes" unit; a cell state is drawn as tanh(c).
        CellMatch best = model.FindCells(passage, 1, [CellDetectors.InsideQuotes])["inside quotes"][0];
        float first = model.Trace(passage).Activation(best.Layer, best.Kind, best.Unit)[0];
        double drawn = best.Kind == ActivationKind.Cell ? Math.Tanh(first) : first;
        output.WriteLine($"{best.Label}: first value {first}, drawn {drawn:0.000}");
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"title=\"{drawn:0.000}\">&quot;</span>"), html);
    }

    [Fact]
    public void The_same_seed_gives_the_same_text_and_another_seed_other_text()
    {
        var model = Model;
        var options = new GenerationOptions { MaxLength = 80, Temperature = 0.8f, Seed = 7 };
        string a = model.Generate("the cat", options);
        string b = model.Clone().Generate("the cat", options);
        string c = model.Generate("the cat", new GenerationOptions { MaxLength = 80, Temperature = 0.8f, Seed = 8 });
        output.WriteLine(a);
        Assert.Equal(80, new StringInfoCount(a).Runes);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a, string.Concat(model.GenerateStream("the cat", options)));
    }

    [Fact]
    public void Write_then_Read_gives_the_same_text_and_scores()
    {
        var model = Model;
        using var stream = new MemoryStream();
        model.Write(stream);
        stream.Position = 0;
        var loaded = CharLanguageModel.Read(stream);
        var options = new GenerationOptions { MaxLength = 60, Temperature = 1f, TopK = 5, Seed = 11 };
        Assert.Equal(model.Generate("a", options), loaded.Generate("a", options));
        Assert.Equal(model.Score("the mat.").LogLikelihood, loaded.Score("the mat.").LogLikelihood);
        Assert.Equal(model.Vocabulary.Symbols, loaded.Vocabulary.Symbols);
    }

    [Fact]
    public void Stop_sequences_end_generation_right_after_the_sequence()
    {
        var model = Model;
        var free = model.Generate("the", new GenerationOptions { MaxLength = 200, Seed = 2 });
        int first = free.IndexOf(".\n", StringComparison.Ordinal);
        Assert.True(first >= 0, $"the unconstrained text has no \".\\n\": {free}");
        var stopped = model.Generate("the", new GenerationOptions { MaxLength = 200, Seed = 2, StopSequences = [".\n", "zzz"] });
        output.WriteLine(stopped);
        Assert.Equal(free[..(first + 2)], stopped); // the same draws, cut right after the first stop sequence
    }

    [Fact]
    public void Beam_search_log_probabilities_equal_score_differences()
    {
        var model = Model;
        const string prompt = "the cat ";
        double promptLogP = model.Score(prompt).LogLikelihood;
        foreach (var (groups, penalty) in new[] { (1, 0f), (2, 0.5f) })
        {
            var found = model.BeamSearch(prompt, beamWidth: 4, maxLength: 12, groups: groups, diversityPenalty: penalty);
            Assert.Equal(4, found.Count);
            for (int i = 0; i < found.Count; i++)
            {
                var hyp = found[i];
                double byScore = model.Score(prompt + hyp.Text).LogLikelihood - promptLogP;
                output.WriteLine($"groups {groups}: \"{hyp.Text.ReplaceLineEndings("\\n")}\" logP {hyp.LogProbability:F5}, by Score {byScore:F5}, score {hyp.Score:F5}");
                Assert.Equal(byScore, hyp.LogProbability, 1e-3);
                Assert.Equal(hyp.LogProbability / hyp.Text.Length, hyp.Score, 1e-9); // length penalty 1: mean per character
                if (i > 0) Assert.True(found[i - 1].Score >= hyp.Score);
            }
            if (groups == 1)
            {
                // Greedy decoding is a beam of width 1.
                string greedy = model.Generate(prompt, new GenerationOptions { MaxLength = 12, Temperature = 0 });
                Assert.Equal(greedy, model.BeamSearch(prompt, beamWidth: 1, maxLength: 12).Single().Text);
            }
        }
    }

    [Fact]
    public void Characters_outside_the_basic_plane_are_one_symbol_and_never_split()
    {
        // U+1F600 and U+1D11E are surrogate pairs in UTF-16: each must be one vocabulary symbol, one step, one position.
        const string smile = "\U0001F600", clef = "\U0001D11E";
        var rng = new Random(9);
        var sb = new StringBuilder();
        while (sb.Length < 3000) sb.Append(rng.Next(4) switch { 0 => smile, 1 => clef, 2 => "ab ", _ => "\n" });
        var (model, _) = CharLanguageModel.Train(sb.ToString(), new CharLanguageModelOptions
        {
            EmbeddingSize = 4, HiddenSize = 8, Layers = 1,
            Training = new StreamTrainerOptions { Steps = 30, BatchSize = 4, SequenceLength = 12, EvaluateEvery = 30, LearningRate = 1e-2, Seed = 1 },
        });
        var symbols = model.Vocabulary.Symbols;
        output.WriteLine($"vocabulary: {string.Join(" ", symbols.Select(r => $"U+{r.Value:X4}"))}");
        Assert.Contains(Rune.GetRuneAt(smile, 0), symbols);
        Assert.Contains(Rune.GetRuneAt(clef, 0), symbols);
        Assert.DoesNotContain(symbols, r => r.Value is >= 0xD800 and <= 0xDFFF); // a Rune cannot be a surrogate; no half-pair symbol

        string text = $"ab {smile}{clef}\nab";
        int runes = text.EnumerateRunes().Count(); // 8 positions for 10 UTF-16 chars
        Assert.Equal(8, runes);
        Assert.Equal(runes, model.Trace(text).Length);
        var (logLikelihood, bits) = model.Score(text);
        Assert.Equal(-logLikelihood / Math.Log(2) / runes, bits, 1e-12);

        string generated = model.Generate("", new GenerationOptions { MaxLength = 200, Temperature = 1.5f, Seed = 4 });
        for (int i = 0; i < generated.Length; i++)
            if (char.IsHighSurrogate(generated[i])) Assert.True(i + 1 < generated.Length && char.IsLowSurrogate(generated[++i]), $"lone high surrogate at {i}");
            else Assert.False(char.IsLowSurrogate(generated[i]), $"lone low surrogate at {i}");
        Assert.Equal(200, generated.EnumerateRunes().Count());
        Assert.Contains(smile, generated, StringComparison.Ordinal); // at temperature 1.5 over 200 draws the pairs do appear
    }

    [Fact]
    public void Bad_options_are_named_with_their_value()
    {
        var model = Model;
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate("a", new GenerationOptions { Temperature = -1 }));
        Assert.Contains("'Temperature' was -1", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate("a", new GenerationOptions { TopP = 0 }));
        Assert.Contains("'TopP' was 0", e2.Message);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => CharLanguageModel.Train("abc", new CharLanguageModelOptions { HiddenSize = 0 }));
        Assert.Contains("'HiddenSize' was 0", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => model.BeamSearch("a", beamWidth: 3, groups: 2));
        Assert.Contains("'Groups' was 2", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => model.Trace(""));
        Assert.Contains("'text' was \"empty\"", e5.Message);
        var e6 = Assert.Throws<ArgumentOutOfRangeException>(() => model.FindCells("abc", top: 0));
        Assert.Contains("'top' was 0", e6.Message);
        var e7 = Assert.Throws<ArgumentOutOfRangeException>(() => CharLanguageModel.Train("abc", new CharLanguageModelOptions { Training = new StreamTrainerOptions { SequenceLength = 0 } }));
        Assert.Contains("'SequenceLength' was 0", e7.Message);
    }

    private readonly record struct StringInfoCount(string Text)
    {
        public int Runes => Text.EnumerateRunes().Count();
    }
}
