using MLNet.Recurrent.Core.Layers;
using Trainer = MLNet.Recurrent.LanguageModel.CharLanguageModelTrainer;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Trains a character language model on a text column (rows joined into one stream, truncated BPTT, char-rnn
    /// style); the fitted transformer adds <c>LogLikelihood</c> and <c>BitsPerChar</c> per row and generates text.
    /// See <see cref="Trainer"/>; the <see cref="Trainer.Options"/> overloads set everything else.
    /// </summary>
    /// <param name="textColumnName">The text: a single String per row.</param>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per layer.</param>
    /// <param name="layers">Stacked recurrent layers.</param>
    /// <param name="steps">The number of updates.</param>
    /// <param name="maxDuration">Stops after this much training time; null for no limit.</param>
    /// <param name="batchSize">Parallel tracks the stream is cut into.</param>
    /// <param name="sequenceLength">Characters per truncated-BPTT chunk.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public Trainer CharLanguageModel(
        string textColumnName = Trainer.Defaults.TextColumnName,
        CellType cell = Trainer.Defaults.Cell,
        int hiddenSize = Trainer.Defaults.HiddenSize,
        int layers = Trainer.Defaults.Layers,
        long steps = Trainer.Defaults.Steps,
        TimeSpan? maxDuration = null,
        int batchSize = Trainer.Defaults.BatchSize,
        int sequenceLength = Trainer.Defaults.SequenceLength,
        double learningRate = Trainer.Defaults.LearningRate) =>
        new(Environment, new Trainer.Options
        {
            TextColumnName = textColumnName,
            Cell = cell,
            HiddenSize = hiddenSize,
            Layers = layers,
            Steps = steps,
            MaxDuration = maxDuration,
            BatchSize = batchSize,
            SequenceLength = sequenceLength,
            LearningRate = learningRate,
        });

    /// <summary>Trains a character language model; see <see cref="Trainer"/>.</summary>
    /// <param name="options">The column, network, training, progress and cancellation options.</param>
    public Trainer CharLanguageModel(Trainer.Options options) => new(Environment, options);

    /// <summary>Trains a character language model on <paramref name="textColumnName"/>; see <see cref="Trainer"/>.</summary>
    /// <param name="textColumnName">The text: a single String per row (overrides <c>options.TextColumnName</c>).</param>
    /// <param name="options">The network, training, progress and cancellation options.</param>
    public Trainer CharLanguageModel(string textColumnName, Trainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = (Trainer.Options)options.Clone();
        copy.TextColumnName = textColumnName;
        return new(Environment, copy);
    }
}
