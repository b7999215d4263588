using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Transfer from unlabelled text: trains a token classifier's embedding and recurrent layers first as next-token
/// language models on token sequences (the classifier's own training rows and any unlabelled text, in the same
/// token ids), then copies those weights into the classifier, which is then fine-tuned on its labels as usual.
/// </summary>
/// <remarks>
/// <para>The language model is a <see cref="SequenceNetwork"/> with the classifier's embedding, cell, hidden size and
/// dropout and a per-step softmax over the V input ids (<c>output.*</c>, which is not transferred). It is trained by
/// <see cref="SequenceTrainer"/>, so the one training loop runs it (validation split, early stopping with the best
/// epoch's weights, cancellation).</para>
/// <para>A unidirectional classifier gets every layer from one forward language model. A bidirectional one gets
/// layer 0 in both directions: the forward direction from a forward model, the reverse direction from a second
/// model trained on the reversed sequences (predicting each previous token), which starts from the forward model's
/// embedding and hands its own embedding on to the classifier. Higher layers of a bidirectional stack read both
/// directions, which no one-directional language model can train without seeing the token it predicts, so they
/// keep their initialisation.</para>
/// </remarks>
public static class LanguageModelPretraining
{
    /// <summary>
    /// Pretrains and copies the weights into <paramref name="classifier"/> (its output layer and side input are
    /// left as they are). Deterministic for a seed (<see cref="TrainingOptions.Seed"/>).
    /// </summary>
    /// <param name="classifier">A per-sequence token classifier without character features, already initialised.</param>
    /// <param name="sequences">Token id sequences in [0, V); sequences shorter than 2 tokens have nothing to predict and are skipped.</param>
    /// <param name="options">Epochs, batch size, optimizer, learning rate, validation fraction, patience and seed of the language model runs.</param>
    /// <param name="progress">Receives the language models' training reports.</param>
    /// <param name="cancellation">Stops pretraining at the next step (the weights reached so far are transferred).</param>
    /// <returns>The forward language model, then (bidirectional classifier) the backward one.</returns>
    public static IReadOnlyList<PretrainedDirection> Run(SequenceNetwork classifier, IReadOnlyList<int[]> sequences, SequenceTrainerOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        SequenceNetworkOptions c = classifier.Options;
        if (!c.TokenInput) ThrowHelper.Argument(nameof(classifier), "a frame-input network", "language model pretraining needs token inputs ('InputVocabularySize' > 0)");
        if (c.CharacterFeatures) ThrowHelper.Argument(nameof(classifier), "character features", "language model pretraining supports token embeddings only ('CharacterVocabularySize' 0)");
        if (c.PerStepOutput) ThrowHelper.Argument(nameof(classifier), "a per-step network", "language model pretraining initialises a per-sequence classifier");
        int v = c.InputVocabularySize;
        foreach (int[] row in sequences)
            foreach (int id in row)
                if ((uint)id >= (uint)v) ThrowHelper.Argument(nameof(sequences), $"token id {id}", $"ids must be in [0, {v}) (the classifier's 'InputVocabularySize')");
        int usable = sequences.Count(s => s.Length >= 2);
        if (usable == 0) ThrowHelper.Argument(nameof(sequences), $"{sequences.Count} sequences with fewer than 2 tokens", "pretraining needs at least one sequence of 2 or more tokens");

        var lmOptions = new SequenceNetworkOptions
        {
            InputVocabularySize = v,
            EmbeddingSize = c.EmbeddingSize,
            Cell = c.Cell,
            HiddenSize = c.HiddenSize,
            Layers = c.Bidirectional ? 1 : c.Layers,
            Dropout = c.Dropout,
            Initialization = c.Initialization,
            EchoStateSpectralRadius = c.EchoStateSpectralRadius,
            PerStepOutput = true,
            OutputSize = v,
        };
        var results = new List<PretrainedDirection>(2);
        float[]? embedding = null;
        foreach (bool backward in c.Bidirectional ? [false, true] : new[] { false })
        {
            using var lm = new SequenceNetwork(lmOptions);
            lm.Initialize(unchecked(options.Seed + (backward ? 1 : 0)));
            if (embedding is not null) embedding.CopyTo(lm.Parameters["embedding.weight"].Value);
            InMemorySequences data = NextTokenData(sequences, backward);
            using var start = lm.Clone();
            var trainer = new SequenceTrainer(lm, options);
            TrainingResult training = trainer.Fit(data, progress, cancellation);
            IReadOnlyList<int>? held = trainer.ValidationIndices.Count > 0 ? trainer.ValidationIndices : null;
            double before = new SequenceTrainer(start, options).Evaluate(data, held).Loss;
            double after = trainer.Evaluate(data, held).Loss;
            results.Add(new PretrainedDirection(backward, before, after, training));
            embedding = lm.Parameters["embedding.weight"].Value.ToArray();
            CopyInto(classifier.Parameters, lm.Parameters, backward);
            if (cancellation.IsCancellationRequested) break;
        }
        return results;
    }

    /// <summary>
    /// Inputs tokens 0..T-2 and targets tokens 1..T-1 of each sequence (reversed first for the backward model);
    /// sequences shorter than 2 tokens are left out.
    /// </summary>
    internal static InMemorySequences NextTokenData(IReadOnlyList<int[]> sequences, bool backward)
    {
        var inputs = new List<int[]>(sequences.Count);
        var targets = new List<int[]>(sequences.Count);
        foreach (int[] row in sequences)
        {
            if (row.Length < 2) continue;
            int[] ordered = backward ? [.. row.Reverse()] : row;
            inputs.Add(ordered[..^1]);
            targets.Add(ordered[1..]);
        }
        return InMemorySequences.Labelled([.. inputs], [.. targets]);
    }

    /// <summary>
    /// Copies the embedding and the recurrent weights (a backward model's into the <c>_reverse</c> direction) by name;
    /// the language model's output layer has no counterpart.
    /// </summary>
    private static void CopyInto(ParameterSet classifier, ParameterSet lm, bool backward)
    {
        foreach (Parameter p in lm.Parameters)
        {
            if (p.Name.StartsWith("output.", StringComparison.Ordinal)) continue;
            string name = backward && p.Name.StartsWith("rnn.", StringComparison.Ordinal) ? p.Name + "_reverse" : p.Name;
            Parameter target = classifier[name];
            if (!target.Shape.SequenceEqual(p.Shape))
                ThrowHelper.InvalidOperation($"Pretrained parameter '{p.Name}' has shape [{string.Join(", ", p.Shape.ToArray())}] but the classifier's '{name}' has [{string.Join(", ", target.Shape.ToArray())}].");
            p.Value.CopyTo(target.Value);
        }
    }
}
