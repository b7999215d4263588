using MLNet.Recurrent.Core.Layers;
using Classifier = MLNet.Recurrent.SequenceClassification.LstmSequenceClassifier;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Trains a recurrent network that reads each row's sequence (tokens as keys, or frames of D features) and
    /// predicts one class: <c>Score</c> and <c>PredictedLabel</c> for a key label, plus <c>Probability</c> for a
    /// Boolean label. See <see cref="Classifier"/>; the <see cref="Classifier.Options"/> overload sets everything else.
    /// </summary>
    /// <param name="labelColumnName">The label: a single key or a single Boolean.</param>
    /// <param name="featureColumnName">The sequence: a vector of keys, or a vector of Single with dimensions <c>[0, D]</c>.</param>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per direction and layer.</param>
    /// <param name="layers">Stacked recurrent layers.</param>
    /// <param name="bidirectional">Whether each layer also reads the sequence backwards.</param>
    /// <param name="pooling">How the steps' hidden states are summarized: last, mean or max.</param>
    /// <param name="epochs">The most passes over the training rows.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public Classifier LstmSequenceClassifier(
        string labelColumnName = Classifier.Defaults.LabelColumnName,
        string featureColumnName = Classifier.Defaults.FeatureColumnName,
        CellType cell = Classifier.Defaults.Cell,
        int hiddenSize = Classifier.Defaults.HiddenSize,
        int layers = Classifier.Defaults.Layers,
        bool bidirectional = Classifier.Defaults.Bidirectional,
        SequencePoolingMode pooling = Classifier.Defaults.Pooling,
        int epochs = Classifier.Defaults.Epochs,
        int batchSize = Classifier.Defaults.BatchSize,
        double learningRate = Classifier.Defaults.LearningRate) =>
        new(Environment, new Classifier.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Cell = cell,
            HiddenSize = hiddenSize,
            Layers = layers,
            Bidirectional = bidirectional,
            Pooling = pooling,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        });

    /// <summary>Trains a recurrent sequence classifier; see <see cref="Classifier"/>.</summary>
    /// <param name="options">The columns, network, training and cancellation options.</param>
    public Classifier LstmSequenceClassifier(Classifier.Options options) => new(Environment, options);
}
