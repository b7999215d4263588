using MLNet.Recurrent.Core.Decoding;

namespace MLNet.Recurrent.Core.Tests.Decoding;

/// <summary>A first-order Markov chain as a step decoder: the next token's logits are row <c>last</c> of a table.</summary>
internal sealed class MarkovDecoder(float[][] table) : IStepDecoder
{
    private int[] _last = [];

    public int VocabularySize => table.Length;
    public int BatchSize => _last.Length;
    public int Steps { get; private set; }

    public void Reset(int batchSize) => _last = new int[batchSize];

    public void Step(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        Steps++;
        for (int b = 0; b < tokens.Length; b++)
        {
            _last[b] = tokens[b];
            table[tokens[b]].CopyTo(logits.Slice(b * table.Length, table.Length));
        }
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        var next = new int[sourceRows.Length];
        for (int i = 0; i < next.Length; i++) next[i] = _last[sourceRows[i]];
        _last = next;
    }

    /// <summary>The exact log-probability of generating <paramref name="tokens"/> after <paramref name="start"/>.</summary>
    public double LogProbability(int start, IReadOnlyList<int> tokens)
    {
        double sum = 0;
        int last = start;
        foreach (int t in tokens)
        {
            var row = table[last];
            double max = row.Max(), z = row.Sum(x => Math.Exp(x - max));
            sum += row[t] - max - Math.Log(z);
            last = t;
        }
        return sum;
    }
}
