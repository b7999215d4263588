using System.Text;
using MLNet.Recurrent.Core.Decoding;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class CharLanguageModel
{
    /// <summary>Continues <paramref name="prompt"/> by sampling (or greedily, with temperature 0).</summary>
    /// <param name="prompt">The text to continue; may be empty.</param>
    /// <param name="options">Length, temperature, top-k, top-p, seed, stop sequences.</param>
    /// <returns>The generated text, without the prompt.</returns>
    public string Generate(string prompt, GenerationOptions? options = null)
    {
        var sb = new StringBuilder();
        lock (_gate)
            foreach (string piece in Stream(Network, prompt, options ?? new GenerationOptions())) sb.Append(piece);
        return sb.ToString();
    }

    /// <summary>
    /// Continues <paramref name="prompt"/> one character at a time, yielding each as soon as it is drawn (a string,
    /// because a character outside the Basic Multilingual Plane is two UTF-16 chars). Runs on its own copy of the
    /// network, so it may be enumerated slowly or alongside other calls.
    /// </summary>
    public IEnumerable<string> GenerateStream(string prompt, GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(prompt);
        SequenceNetwork copy;
        lock (_gate) copy = Network.Clone();
        return Stream(copy, prompt, options);
    }

    /// <summary>
    /// Beam search for the most likely continuations of <paramref name="prompt"/>; with <paramref name="groups"/> &gt; 1,
    /// diverse beam search.
    /// </summary>
    /// <param name="prompt">The text to continue; may be empty.</param>
    /// <param name="beamWidth">Hypotheses kept at each step.</param>
    /// <param name="maxLength">Characters generated.</param>
    /// <param name="lengthPenalty">Ranks by logP / length^alpha.</param>
    /// <param name="groups">Diverse beam search groups (1: plain beam search).</param>
    /// <param name="diversityPenalty">How strongly a group avoids characters earlier groups chose.</param>
    /// <param name="stopSequences">A hypothesis ends right after generating any of these.</param>
    public IReadOnlyList<TextHypothesis> BeamSearch(
        string prompt, int beamWidth = 5, int maxLength = 60, float lengthPenalty = 1f, int groups = 1,
        float diversityPenalty = 0f, IReadOnlyList<string>? stopSequences = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var options = new BeamSearchOptions
        {
            BeamWidth = beamWidth, MaxLength = maxLength, LengthPenalty = lengthPenalty, Groups = groups, DiversityPenalty = diversityPenalty,
        };
        Func<int[], bool>? finished = stopSequences is { Count: > 0 } ? tokens => EndsWithAny(Vocabulary.Decode(tokens), stopSequences) : null;
        IReadOnlyList<BeamHypothesis> found;
        lock (_gate) found = Decoding.BeamSearch.Search(new SequenceNetworkDecoder(Network), Encode(prompt, primed: true), options, finished);
        return found.Select(h => new TextHypothesis(Vocabulary.Decode(h.Tokens), h.LogProbability, h.Score, h.Group)).ToArray();
    }

    private IEnumerable<string> Stream(SequenceNetwork network, string prompt, GenerationOptions options)
    {
        options.Validate();
        ArgumentNullException.ThrowIfNull(prompt);
        var generated = new StringBuilder();
        var stops = options.StopSequences;
        foreach (int id in TokenGenerator.Sample(new SequenceNetworkDecoder(network), Encode(prompt, primed: true), options.MaxLength,
                     options.ToSampling(), stops.Count == 0 ? null : _ => EndsWithAny(generated.ToString(), stops)))
        {
            string piece = Vocabulary[id].ToString();
            generated.Append(piece);
            yield return piece;
        }
    }

    private static bool EndsWithAny(string text, IReadOnlyList<string> suffixes)
    {
        foreach (var s in suffixes)
            if (text.EndsWith(s, StringComparison.Ordinal)) return true;
        return false;
    }
}
