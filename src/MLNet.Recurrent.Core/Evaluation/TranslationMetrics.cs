namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>The translation metrics of one corpus with sacreBLEU's defaults: BLEU, chrF2 and exact match, each on the 0-100 scale.</summary>
/// <param name="Bleu">Corpus BLEU (13a tokenization, 4-grams, 'exp' smoothing) with its statistics.</param>
/// <param name="ChrF">Corpus chrF2 (character 6-grams, beta 2, white space removed).</param>
/// <param name="ExactMatch">The percentage of segments equal to one of their references.</param>
/// <param name="Segments">The number of segments scored.</param>
public sealed record TranslationMetrics(BleuScore Bleu, double ChrF, double ExactMatch, int Segments)
{
    /// <summary>Scores a corpus with sacreBLEU's default BLEU and chrF and exact match.</summary>
    /// <param name="hypotheses">N system outputs, one per segment.</param>
    /// <param name="referenceStreams">One or more reference streams, each N long (<c>[references]</c> for one reference per segment).</param>
    /// <param name="bleu">BLEU's options; <see langword="null"/> for sacreBLEU's defaults.</param>
    /// <param name="chrF">chrF's options; <see langword="null"/> for sacreBLEU's defaults.</param>
    public static TranslationMetrics Compute(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams, BleuOptions? bleu = null, ChrFOptions? chrF = null) =>
        new(Evaluation.Bleu.Corpus(hypotheses, referenceStreams, bleu),
            Evaluation.ChrF.Corpus(hypotheses, referenceStreams, chrF),
            Evaluation.ExactMatch.Corpus(hypotheses, referenceStreams),
            hypotheses.Count);
}
