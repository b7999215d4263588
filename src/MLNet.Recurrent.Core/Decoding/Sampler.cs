using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Decoding;

/// <summary>
/// Draws tokens from logits: greedy, temperature, top-k and top-p (nucleus). One sampler serves one
/// generation: it owns its random generator and scratch buffers, so drawing allocates nothing.
/// </summary>
public sealed class Sampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private float[] _probabilities = [];
    private int[] _order = [];

    /// <summary>Creates a sampler; the options are validated here.</summary>
    public Sampler(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>Returns the index of the largest logit (the first one on ties).</summary>
    /// <param name="logits">[V] unnormalized log-probabilities.</param>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) ThrowHelper.Argument(nameof(logits), "empty", "it must hold at least one logit");
        int index = TensorPrimitives.IndexOfMax(logits);
        if (float.IsNaN(logits[index])) ThrowHelper.Argument(nameof(logits), "NaN", "logits must be numbers");
        return index;
    }

    /// <summary>Draws the next token.</summary>
    /// <param name="logits">[V] unnormalized log-probabilities.</param>
    public int Next(ReadOnlySpan<float> logits)
    {
        if (_options.IsGreedy) return ArgMax(logits);
        int v = logits.Length;
        if (_probabilities.Length < v)
        {
            _probabilities = new float[v];
            _order = new int[v];
        }
        var p = _probabilities.AsSpan(0, v);
        var order = _order.AsSpan(0, v);

        // Softmax of logits / T, computed stably (the max is subtracted first).
        float max = logits[ArgMax(logits)];
        SoftmaxOperator.Tempered(logits, p, max, 1f / _options.Temperature);

        int kept = v;
        bool truncate = (_options.TopK > 0 && _options.TopK < v) || _options.TopP < 1f;
        if (truncate)
        {
            for (int i = 0; i < v; i++) order[i] = i;
            // Descending by probability, ties by token id, so the kept set never depends on sort stability.
            order.Sort(new MostLikelyFirst(_probabilities));
            if (_options.TopK > 0) kept = Math.Min(kept, _options.TopK);
            if (_options.TopP < 1f)
            {
                double total = TensorPrimitives.Sum<float>(p), cumulative = 0;
                for (int r = 0; r < kept; r++)
                {
                    cumulative += p[order[r]];
                    if (cumulative >= _options.TopP * total)
                    {
                        kept = r + 1;
                        break;
                    }
                }
            }
        }

        double sum = 0;
        for (int r = 0; r < kept; r++) sum += p[truncate ? order[r] : r];
        double u = _random.NextDouble() * sum, acc = 0;
        for (int r = 0; r < kept; r++)
        {
            int token = truncate ? order[r] : r;
            acc += p[token];
            if (u < acc) return token;
        }
        return truncate ? order[kept - 1] : kept - 1; // u == sum after round-off
    }

    /// <summary>Orders token ids by descending probability, ties by token id.</summary>
    private readonly struct MostLikelyFirst(float[] probabilities) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            int c = probabilities[b].CompareTo(probabilities[a]);
            return c != 0 ? c : a.CompareTo(b);
        }
    }
}
