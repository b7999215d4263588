namespace MLNet.Recurrent.Core.Decoding;

/// <summary>A beam-search candidate as text.</summary>
/// <param name="Text">The generated text after the prompt.</param>
/// <param name="LogProbability">Its natural-log probability under the model, given the prompt.</param>
/// <param name="Score">The length-normalized score it was ranked by.</param>
/// <param name="Group">The diverse-beam-search group it came from (0 for plain beam search).</param>
public sealed record TextHypothesis(string Text, double LogProbability, double Score, int Group);
