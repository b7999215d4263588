namespace MLNet.Recurrent.Core.Decoding;

/// <summary>One finished candidate of a beam search.</summary>
/// <param name="Tokens">The generated tokens, after the prompt (the end token excluded).</param>
/// <param name="LogProbability">The sum of the natural-log probabilities of the tokens (and of the end token, if it ended).</param>
/// <param name="Score">The ranking score: <c>LogProbability / length^alpha</c>.</param>
/// <param name="Group">The diverse-beam-search group it came from (0 for plain beam search).</param>
public sealed record BeamHypothesis(int[] Tokens, double LogProbability, double Score, int Group);
