using System.Text;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Layers;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// A character-level language model: a <see cref="CharVocabulary"/> over Unicode code points and a per-step
/// <see cref="SequenceNetwork"/> trained with truncated BPTT over the text as one stream. It scores text,
/// generates text (sampling, greedy, beam search) and exposes its cells' activations. Methods that run the
/// network take a lock, so one instance can be shared; <see cref="Clone"/> gives an independent one.
/// </summary>
public sealed partial class CharLanguageModel
{
    private readonly object _gate = new();
    private readonly SequenceBatch _batch = new();
    private readonly CarriedState _scoreState = new();

    /// <summary>Wraps a trained network and its vocabulary.</summary>
    /// <param name="vocabulary">The characters; the network's input and output size are its count.</param>
    /// <param name="network">A unidirectional per-step token network.</param>
    /// <param name="separator">The text that joins documents; its first character primes generation from an empty prompt.</param>
    public CharLanguageModel(CharVocabulary vocabulary, SequenceNetwork network, string separator = "\n")
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        var o = network.Options;
        if (!o.TokenInput || !o.PerStepOutput || o.Bidirectional || o.InputVocabularySize != vocabulary.Count || o.OutputSize != vocabulary.Count)
            ThrowHelper.Argument(nameof(network), "its options", $"a character model needs a unidirectional per-step token network with {vocabulary.Count} inputs and outputs");
        Vocabulary = vocabulary;
        Network = network;
        Separator = separator;
    }

    /// <summary>The characters the model knows.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The network (embedding, recurrent stack, output layer).</summary>
    public SequenceNetwork Network { get; }

    /// <summary>The text that joins documents in training; it primes generation from an empty prompt.</summary>
    public string Separator { get; }

    /// <summary>
    /// Builds the vocabulary from the training part of <paramref name="text"/> (everything before the held-out
    /// last <c>ValidationFraction</c>), then trains a new model on it.
    /// </summary>
    /// <param name="text">The corpus, read as one stream.</param>
    /// <param name="options">Shape and training options.</param>
    /// <param name="progress">Training progress (loss, bits per character, tokens per second, validation).</param>
    /// <param name="cancellation">Stops training early; the model keeps the best weights so far.</param>
    /// <param name="separator">The text that joined the corpus's documents.</param>
    /// <param name="evaluated">
    /// Called on the training thread after each validation with a copy of the model as it is at that point (its
    /// own network; the weights of that step, not the best so far) and the report, e.g. to print samples while
    /// training goes on. Training waits while it runs.
    /// </param>
    public static (CharLanguageModel Model, TrainingResult Result) Train(
        string text, CharLanguageModelOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, string separator = "\n", Action<CharLanguageModel, TrainingProgress>? evaluated = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int cut = (int)(text.Length * (1 - options.Training.ValidationFraction));
        if (cut > 0 && cut < text.Length && char.IsLowSurrogate(text[cut])) cut--; // never split a surrogate pair
        var vocabulary = CharVocabulary.Build(text[..cut], options.MaxVocabularySize);
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = vocabulary.Count,
            EmbeddingSize = options.EmbeddingSize,
            Cell = options.Cell,
            HiddenSize = options.HiddenSize,
            Layers = options.Layers,
            Dropout = options.Dropout,
            PerStepOutput = true,
            OutputSize = vocabulary.Count,
        });
        network.Initialize(options.Training.Seed);
        var train = vocabulary.Encode(text[..cut]);
        var validation = vocabulary.Encode(text[cut..]);
        IProgress<TrainingProgress>? reports = evaluated is null ? progress : new EvaluationTap(progress, report =>
            evaluated(new CharLanguageModel(vocabulary, network.Clone(), separator), report));
        var result = new StreamTrainer(network, options.Training).Fit(train, validation, reports, cancellation);
        return (new CharLanguageModel(vocabulary, network, separator), result);
    }

    /// <summary>An independent copy (same vocabulary and weights, its own workspaces).</summary>
    public CharLanguageModel Clone()
    {
        lock (_gate) return new CharLanguageModel(Vocabulary, Network.Clone(), Separator);
    }

    /// <summary>
    /// The natural-log likelihood of <paramref name="text"/> under the model, each character predicted from the
    /// ones before it (the first from the separator), and the same as bits per character.
    /// </summary>
    public (double LogLikelihood, double BitsPerChar) Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return (0, 0);
        var ids = Encode(text, primed: true);
        double nll = 0;
        lock (_gate)
        {
            CarriedState? state = null; // the chunks are one text: each starts where the previous one ended
            const int chunk = 256;
            for (int start = 0; start < ids.Length - 1; start += chunk)
            {
                int steps = Math.Min(chunk, ids.Length - 1 - start);
                _batch.Reset(1, steps, 0, perStepTargets: true);
                _batch.SetTokens(0, ids.AsSpan(start, steps));
                _batch.SetStepTargets(0, ids.AsSpan(start + 1, steps));
                _batch.InitialState = state;
                Network.Forward(_batch, training: false);
                state = Network.SaveFinalState(_scoreState);
                nll += Network.LastLoss.NllSum;
            }
        }
        int n = ids.Length - 1;
        return (-nll, nll / Math.Log(2) / n);
    }

    /// <summary>The ids of <paramref name="text"/>, after the separator's first character when <paramref name="primed"/>.</summary>
    private int[] Encode(string text, bool primed)
    {
        var ids = Vocabulary.Encode(text);
        if (!primed) return ids;
        var all = new int[ids.Length + 1];
        all[0] = StartId;
        ids.CopyTo(all, 1);
        return all;
    }

    /// <summary>Forwards every report and, after an evaluation, also calls back (the network is consistent between steps).</summary>
    private sealed class EvaluationTap(IProgress<TrainingProgress>? inner, Action<TrainingProgress> onEvaluation) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            inner?.Report(value);
            if (value.Validation is not null) onEvaluation(value);
        }
    }

    /// <summary>The id that primes the model when there is no prompt: the separator's first character.</summary>
    private int StartId => Vocabulary.GetId(Rune.GetRuneAt(Separator, 0));
}
