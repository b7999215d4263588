namespace MLNet.Recurrent.Translation;

/// <summary>One entry of an n-best list.</summary>
/// <param name="Text">The translation, tokens joined (unknown tokens as <c>UNK</c>).</param>
/// <param name="LogProbability">The sum of the natural-log probabilities of its tokens and the end symbol.</param>
/// <param name="Score">The ranking score: log-probability divided by length^alpha.</param>
public sealed record TranslationCandidate(string Text, double LogProbability, double Score);
