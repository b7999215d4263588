namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>How BLEU splits a segment into words (sacreBLEU's <c>tokenize</c> option).</summary>
public enum BleuTokenization
{
    /// <summary>mteval-v13a, sacreBLEU's default <c>'13a'</c>: punctuation split off words, XML entities unescaped.</summary>
    Mteval13a,

    /// <summary>sacreBLEU's <c>'none'</c>: the segment is split on white space only (already tokenized text).</summary>
    None,
}
