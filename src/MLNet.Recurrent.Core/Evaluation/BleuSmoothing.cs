namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>
/// What BLEU does with an n-gram order that has no match (sacreBLEU's <c>smooth_method</c>). On a real corpus
/// every order has matches and all four give the same score; they differ on single sentences.
/// </summary>
public enum BleuSmoothing
{
    /// <summary>sacreBLEU's default <c>'exp'</c> (mteval's): the k-th order with no match gets precision 1 / (2^k total_n).</summary>
    Exp,

    /// <summary><c>'floor'</c>: an order with no match gets precision <see cref="BleuOptions.SmoothValue"/> / total_n (default 0.1).</summary>
    Floor,

    /// <summary><c>'add-k'</c>: <see cref="BleuOptions.SmoothValue"/> (default 1) is added to the matches and totals of orders 2 and up.</summary>
    AddK,

    /// <summary><c>'none'</c>: an order with no match makes the score 0.</summary>
    None,
}
