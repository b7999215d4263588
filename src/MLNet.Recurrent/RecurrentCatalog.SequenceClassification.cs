using MLNet.Recurrent.Core.Layers;
using Classifier = MLNet.Recurrent.SequenceClassification.LstmSequenceClassifier;
using TextClassifier = MLNet.Recurrent.SequenceClassification.LstmTextClassifier;

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

    /// <summary>
    /// Classifies short texts from one text column and a label with the recipe that won on short sentences (README,
    /// "Sequence classification"): the text's n-gram counts beside a bidirectional LSTM over its words, regularised
    /// for small data and calibrated; the defaults are that recipe. Adds <c>Score</c> and <c>PredictedLabel</c> (and
    /// <c>Probability</c> for a Boolean label); a text label becomes a key in place. See <see cref="TextClassifier"/>;
    /// the <see cref="TextClassifier.Options"/> overload sets everything else.
    /// </summary>
    /// <param name="labelColumnName">The label: a single String (class names), a single key or a single Boolean.</param>
    /// <param name="textColumnName">The text: a single String.</param>
    public TextClassifier LstmTextClassifier(
        string labelColumnName = TextClassifier.Defaults.LabelColumnName,
        string textColumnName = TextClassifier.Defaults.TextColumnName) =>
        new(Transforms, new TextClassifier.Options { LabelColumnName = labelColumnName, TextColumnName = textColumnName });

    /// <summary>Classifies short texts with the short-text recipe; see <see cref="TextClassifier"/>.</summary>
    /// <param name="options">The columns, the classifier's options and the n-gram features' options.</param>
    public TextClassifier LstmTextClassifier(TextClassifier.Options options) => new(Transforms, options);
}
