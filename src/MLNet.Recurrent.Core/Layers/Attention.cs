using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// Global attention over encoder outputs (Luong et al. 2015; Bahdanau et al. 2015): for every decoder step and
/// sequence, a softmax over the encoder steps of score(query, key), and the context as the weighted sum of the
/// keys (the encoder outputs serve as keys and values). Keys past a sequence's length are masked out; a
/// sequence of length 0 gets zero weights and a zero context. All decoder steps are attended at once
/// (a decoder that feeds each context back into its next input calls it with one step at a time).
/// Additive parameters: <c>{prefix}query_weight</c> [A, Hq], <c>{prefix}key_weight</c> [A, Hk],
/// <c>{prefix}key_bias</c> [A], <c>{prefix}score_weight</c> [A].
/// </summary>
public sealed partial class Attention
{
    private readonly Tensor _queries = new(0);     // [Tq, B, Hq] copy of the input
    private readonly Tensor _keys = new(0);        // [S, B, Hk] copy of the input
    private readonly Tensor _weights = new(0);     // [Tq, B, S] softmax weights (0 where masked)
    private readonly Tensor _projectedQ = new(0);  // additive: [Tq, B, A]
    private readonly Tensor _projectedK = new(0);  // additive: [S, B, A], bias included
    private readonly Tensor _hidden = new(0);      // additive: [Tq, B, S, A] tanh(Pq + Pk)
    private readonly Tensor _dScores = new(0);     // [Tq, B, S]
    private readonly Tensor _dProjectedQ = new(0);
    private readonly Tensor _dProjectedK = new(0);
    private int[] _lengths = [];
    private bool _forwardDone;

    /// <summary>Builds the layer; the additive score registers its parameters in <paramref name="parameters"/>.</summary>
    /// <param name="score">Dot (no parameters) or additive.</param>
    /// <param name="querySize">Hq: the size of a decoder state.</param>
    /// <param name="keySize">Hk: the size of an encoder output.</param>
    /// <param name="parameters">Where the additive score's weights live; may be null for <see cref="AttentionScore.Dot"/>.</param>
    /// <param name="attentionSize">A: the additive score's hidden size.</param>
    /// <param name="prefix">Prepended to parameter names, e.g. "attention.".</param>
    public Attention(AttentionScore score, int querySize, int keySize, ParameterSet? parameters = null, int attentionSize = 0, string prefix = "")
    {
        ThrowHelper.ThrowIfNotPositive(querySize, nameof(querySize));
        ThrowHelper.ThrowIfNotPositive(keySize, nameof(keySize));
        Score = score;
        QuerySize = querySize;
        KeySize = keySize;
        switch (score)
        {
            case AttentionScore.Dot:
                if (querySize != keySize)
                    ThrowHelper.Argument(nameof(keySize), keySize, $"a dot-product score needs it equal to 'querySize' ({querySize})");
                break;
            case AttentionScore.Additive:
                ArgumentNullException.ThrowIfNull(parameters);
                ThrowHelper.ThrowIfNotPositive(attentionSize, nameof(attentionSize));
                AttentionSize = attentionSize;
                QueryWeight = parameters.Add(prefix + "query_weight", attentionSize, querySize);
                KeyWeight = parameters.Add(prefix + "key_weight", attentionSize, keySize);
                KeyBias = parameters.Add(prefix + "key_bias", attentionSize);
                ScoreWeight = parameters.Add(prefix + "score_weight", attentionSize);
                break;
            default:
                ThrowHelper.OutOfRange(nameof(score), score, "it must be Dot or Additive");
                break;
        }
    }

    /// <summary>The score function.</summary>
    public AttentionScore Score { get; }

    /// <summary>Hq.</summary>
    public int QuerySize { get; }

    /// <summary>Hk.</summary>
    public int KeySize { get; }

    /// <summary>A (additive only; 0 for dot).</summary>
    public int AttentionSize { get; }

    /// <summary>W_q [A, Hq] (additive only).</summary>
    public Parameter? QueryWeight { get; }

    /// <summary>W_k [A, Hk] (additive only).</summary>
    public Parameter? KeyWeight { get; }

    /// <summary>b [A] (additive only).</summary>
    public Parameter? KeyBias { get; }

    /// <summary>v [A] (additive only).</summary>
    public Parameter? ScoreWeight { get; }

    /// <summary>The attention weights of the last <see cref="Forward"/>: [Tq, B, S], rows summing to 1 (0 for an empty sequence).</summary>
    public Tensor Weights => _weights;

    /// <summary>Glorot-uniform weights, zero bias (additive only; the dot score has no parameters).</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (Score != AttentionScore.Additive) return;
        Initializers.GlorotUniform(QueryWeight!, random);
        Initializers.GlorotUniform(KeyWeight!, random);
        Initializers.Zeros(KeyBias!);
        Initializers.Uniform(ScoreWeight!, 1.0 / Math.Sqrt(AttentionSize), random);
    }
}
