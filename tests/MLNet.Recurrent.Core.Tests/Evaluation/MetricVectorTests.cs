using System.Text.Json;
using MLNet.Recurrent.Core.Evaluation;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Evaluation;

/// <summary>
/// Every vector of <c>tests/fixtures/metric_vectors.json</c> (sacreBLEU's own expected values, commit f615c72, plus
/// two computed by its code on the reference translator's outputs), each checked with its own tolerance.
/// </summary>
public sealed class MetricVectorTests(ITestOutputHelper output)
{
    private static JsonDocument Load() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "metric_vectors.json")));

    [Fact]
    public void Every_bleu_and_chrf_vector_of_sacrebleu_passes_within_its_own_tolerance()
    {
        using var doc = Load();
        int passed = 0, failed = 0, total = 0;
        foreach (string kind in new[] { "bleu", "chrf" })
        {
            int index = 0;
            foreach (var v in doc.RootElement.GetProperty(kind).EnumerateArray())
            {
                string[] hyps = v.GetProperty("hyps").EnumerateArray().Select(h => h.GetString()!).ToArray();
                IReadOnlyList<string?>[] refs = v.GetProperty("refs").EnumerateArray()
                    .Select(s => (IReadOnlyList<string?>)s.EnumerateArray().Select(r => r.GetString()).ToArray()).ToArray();
                v.TryGetProperty("options", out var options);
                double expected = v.GetProperty("score").GetDouble(), tolerance = v.GetProperty("tolerance").GetDouble();
                double got = kind == "bleu"
                    ? Bleu.Corpus(hyps, refs, BleuOptionsOf(options)).Score
                    : ChrF.Corpus(hyps, refs, ChrFOptionsOf(options));
                bool ok = Math.Abs(got - expected) <= tolerance;
                if (ok) passed++;
                else failed++;
                total++;
                output.WriteLine($"{(ok ? "ok  " : "FAIL")} {kind}[{index}] expected {expected:R} got {got:F10} |diff| {Math.Abs(got - expected):E2} (tolerance {tolerance:R}; {v.GetProperty("source").GetString()})");
                index++;
            }
        }
        output.WriteLine($"metric vectors: {passed} passed, {failed} failed of {total}");
        Assert.Equal(0, failed);
        Assert.Equal(63, total);
    }

    [Fact]
    public void The_reference_translators_test_outputs_score_as_sacrebleu_to_1e_9()
    {
        // The two 286-segment vectors at the end of each list: a real corpus, where corpus statistics matter.
        using var doc = Load();
        foreach (string kind in new[] { "bleu", "chrf" })
        {
            foreach (var v in doc.RootElement.GetProperty(kind).EnumerateArray().Where(v => v.GetProperty("hyps").GetArrayLength() > 100))
            {
                string[] hyps = v.GetProperty("hyps").EnumerateArray().Select(h => h.GetString()!).ToArray();
                string?[] refs = v.GetProperty("refs")[0].EnumerateArray().Select(r => r.GetString()).ToArray();
                var metrics = TranslationMetrics.Compute(hyps, [refs]);
                double got = kind == "bleu" ? metrics.Bleu.Score : metrics.ChrF;
                double expected = v.GetProperty("score").GetDouble();
                output.WriteLine($"{kind}: expected {expected:R} got {got:R} |diff| {Math.Abs(got - expected):E2}; {metrics.Bleu}");
                Assert.Equal(expected, got, 1e-9);
                Assert.Equal(286, metrics.Segments);
            }
        }
    }

    private static BleuOptions BleuOptionsOf(JsonElement options)
    {
        var o = new BleuOptions();
        if (options.ValueKind != JsonValueKind.Object) return o;
        foreach (var p in options.EnumerateObject())
        {
            o = p.Name switch
            {
                "tokenize" => o with { Tokenization = p.Value.GetString() switch
                {
                    "13a" => BleuTokenization.Mteval13a,
                    "none" => BleuTokenization.None,
                    var s => throw new NotSupportedException($"tokenize '{s}'"),
                } },
                "smooth_method" => o with { Smoothing = p.Value.GetString() switch
                {
                    "exp" => BleuSmoothing.Exp,
                    "floor" => BleuSmoothing.Floor,
                    "add-k" => BleuSmoothing.AddK,
                    "none" => BleuSmoothing.None,
                    var s => throw new NotSupportedException($"smooth_method '{s}'"),
                } },
                "smooth_value" => o with { SmoothValue = p.Value.GetDouble() },
                "effective_order" => o with { EffectiveOrder = p.Value.GetBoolean() },
                "max_ngram_order" => o with { MaxNgramOrder = p.Value.GetInt32() },
                "lowercase" => o with { Lowercase = p.Value.GetBoolean() },
                _ => throw new NotSupportedException($"BLEU option '{p.Name}'"),
            };
        }
        return o;
    }

    private static ChrFOptions ChrFOptionsOf(JsonElement options)
    {
        var o = new ChrFOptions();
        if (options.ValueKind != JsonValueKind.Object) return o;
        foreach (var p in options.EnumerateObject())
        {
            o = p.Name switch
            {
                "beta" => o with { Beta = p.Value.GetDouble() },
                "char_order" => o with { CharOrder = p.Value.GetInt32() },
                "whitespace" => o with { Whitespace = p.Value.GetBoolean() },
                "eps_smoothing" => o with { EpsSmoothing = p.Value.GetBoolean() },
                "lowercase" => o with { Lowercase = p.Value.GetBoolean() },
                "word_order" when p.Value.GetInt32() == 0 => o,
                _ => throw new NotSupportedException($"chrF option '{p.Name}' = {p.Value}"),
            };
        }
        return o;
    }
}
