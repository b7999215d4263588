using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    /// <summary>Encodes <paramref name="sources"/> and returns a step decoder over them (dropout off).</summary>
    /// <param name="sources">Each 1 or more source ids in [0, V_src).</param>
    public EncoderDecoderSession CreateDecoder(IReadOnlyList<int[]> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (Options.SourceVectorSize > 0) ThrowHelper.InvalidOperation($"The network reads source vectors of {Options.SourceVectorSize}; pass vectors.");
        if (sources.Count == 0) ThrowHelper.Argument(nameof(sources), "0 sources", "decoding needs at least one source");
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is null || sources[i].Length == 0) ThrowHelper.Argument($"sources[{i}]", "empty", "a source needs at least one token");
            foreach (int id in sources[i])
                if ((uint)id >= (uint)Options.SourceVocabularySize) ThrowHelper.OutOfRange($"sources[{i}]", id, $"source ids are in [0, {Options.SourceVocabularySize})");
        }
        return new EncoderDecoderSession(this, sources);
    }

    /// <summary>Encodes sources of vectors (each S_i * D_v floats, S_i at least 1) and returns a step decoder over them.</summary>
    /// <param name="sources">Each one vector, or a grid of vectors, of D_v floats.</param>
    public EncoderDecoderSession CreateDecoder(IReadOnlyList<float[]> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        int d = Options.SourceVectorSize;
        if (d == 0) ThrowHelper.InvalidOperation("The network reads source ids; pass ids.");
        if (sources.Count == 0) ThrowHelper.Argument(nameof(sources), "0 sources", "decoding needs at least one source");
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is null || sources[i].Length == 0 || sources[i].Length % d != 0)
                ThrowHelper.Argument($"sources[{i}]", sources[i] is null ? null : $"{sources[i].Length} floats", $"a source holds one or more vectors of {d}");
            foreach (float x in sources[i])
                if (!float.IsFinite(x)) ThrowHelper.OutOfRange($"sources[{i}]", x, "source vectors must be finite");
        }
        return new EncoderDecoderSession(this, sources);
    }

    /// <summary>
    /// Greedy decoding of many sources at once: the most likely token at every step until <paramref name="end"/>
    /// or the row's limit <c>maxLengthFactor * |source| + maxLengthExtra</c> (the reference: 2 |x| + 10).
    /// </summary>
    /// <param name="sources">The sources, each 1 or more ids.</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id (not included in the output).</param>
    /// <param name="attention">When not null, receives per source the attention rows [output tokens][S_i] (the end step included).</param>
    /// <param name="maxLengthFactor">Multiplies the source length in the limit.</param>
    /// <param name="maxLengthExtra">Added to the limit.</param>
    public int[][] Greedy(IReadOnlyList<int[]> sources, int start, int end, List<float[][]>? attention = null, int maxLengthFactor = 2, int maxLengthExtra = 10)
    {
        var session = CreateDecoder(sources);
        int[] lengths = [.. sources.Select(x => x.Length)];
        return Decode(session, lengths, [.. lengths.Select(n => maxLengthFactor * n + maxLengthExtra)], start, end, attention, null);
    }

    /// <summary>
    /// Sampled decoding of many sources at once: each next token drawn with <paramref name="sampling"/>'s
    /// temperature, top-k and top-p from one generator seeded with its seed (rows drawn in order at every step, so
    /// the same sources and seed give the same outputs), until <paramref name="end"/> or the row's limit
    /// <c>maxLengthFactor * |source| + maxLengthExtra</c>.
    /// </summary>
    /// <param name="sources">The sources, each 1 or more ids.</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id (not included in the output).</param>
    /// <param name="sampling">Temperature, top-k, top-p and seed (validated).</param>
    /// <param name="maxLengthFactor">Multiplies the source length in the limit.</param>
    /// <param name="maxLengthExtra">Added to the limit.</param>
    public int[][] Sample(IReadOnlyList<int[]> sources, int start, int end, SamplingOptions sampling, int maxLengthFactor = 2, int maxLengthExtra = 10)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        var sampler = new Sampler(sampling);
        var session = CreateDecoder(sources);
        int[] lengths = [.. sources.Select(x => x.Length)];
        return Decode(session, lengths, [.. lengths.Select(n => maxLengthFactor * n + maxLengthExtra)], start, end, null, sampler);
    }

    /// <summary>
    /// Generates from sources of vectors (conditioned generation): greedy when <paramref name="sampling"/> is null,
    /// otherwise sampled with its temperature, top-k and top-p (seeded), at most <paramref name="maxLength"/> tokens.
    /// </summary>
    /// <param name="sources">Each one vector, or a grid of vectors, of D_v floats.</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id (not included in the output).</param>
    /// <param name="maxLength">The most tokens per output.</param>
    /// <param name="sampling">Sampling options, or null for greedy.</param>
    /// <param name="attention">When not null, receives per source the attention rows [output tokens][S_i].</param>
    public int[][] Generate(IReadOnlyList<float[]> sources, int start, int end, int maxLength, SamplingOptions? sampling = null, List<float[][]>? attention = null)
    {
        ThrowHelper.ThrowIfNotPositive(maxLength, nameof(maxLength));
        var session = CreateDecoder(sources);
        int[] lengths = [.. sources.Select(x => x.Length / Options.SourceVectorSize)];
        return Decode(session, lengths, [.. lengths.Select(_ => maxLength)], start, end, attention, sampling is null ? null : new Sampler(sampling));
    }

    private int[][] Decode(EncoderDecoderSession session, int[] lengths, int[] limits, int start, int end, List<float[][]>? attention, Sampler? sampler)
    {
        int b = lengths.Length, v = _vocabulary, s = session.SourceSteps;
        session.Reset(b);
        var tokens = new int[b];
        Array.Fill(tokens, start);
        var logits = new float[b * v];
        var outputs = new List<int>[b];
        var rows = new List<float[]>[b];
        var done = new bool[b];
        int live = b;
        for (int i = 0; i < b; i++)
        {
            outputs[i] = [];
            rows[i] = [];
        }
        for (int t = 0; t < limits.Max() && live > 0; t++)
        {
            session.Step(tokens, logits);
            for (int i = 0; i < b; i++)
            {
                if (done[i]) continue;
                ReadOnlySpan<float> row = logits.AsSpan(i * v, v);
                int y = sampler is null ? TensorPrimitives.IndexOfMax(row) : sampler.Next(row);
                tokens[i] = y;
                if (attention is not null) rows[i].Add(session.AttentionWeights.Slice(i * s, lengths[i]).ToArray());
                if (y == end || t + 1 >= limits[i])
                {
                    done[i] = true;
                    live--;
                    if (y == end) continue;
                }
                outputs[i].Add(y);
            }
        }
        attention?.AddRange(rows.Select(r => r.ToArray()));
        return outputs.Select(o => o.ToArray()).ToArray();
    }

    /// <summary>
    /// Beam search over one source with <see cref="BeamSearch"/>: the n-best hypotheses, best first, ranked by
    /// log-probability divided by length^alpha.
    /// </summary>
    /// <param name="source">The source ids.</param>
    /// <param name="start">The start symbol's id.</param>
    /// <param name="end">The end symbol's id.</param>
    /// <param name="width">The beam width W (also the most hypotheses returned).</param>
    /// <param name="lengthPenalty">alpha: 1 divides by length (the reference), 0 ranks by raw log-probability.</param>
    /// <param name="maxLengthFactor">Multiplies the source length in the length limit.</param>
    /// <param name="maxLengthExtra">Added to the length limit.</param>
    /// <param name="earlyStopping">Stop once <paramref name="width"/> hypotheses have ended (the reference's rule).</param>
    public IReadOnlyList<BeamHypothesis> Beam(int[] source, int start, int end, int width, float lengthPenalty = 1f, int maxLengthFactor = 2, int maxLengthExtra = 10, bool earlyStopping = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        var session = CreateDecoder([source]);
        return BeamSearch.Search(session, [start], new BeamSearchOptions
        {
            BeamWidth = width,
            EndToken = end,
            LengthPenalty = lengthPenalty,
            MaxLength = maxLengthFactor * source.Length + maxLengthExtra,
            EarlyStopping = earlyStopping,
        });
    }
}
