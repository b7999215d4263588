using Microsoft.ML;
using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.SequenceLabeling.Internals;
using Labeler = MLNet.Recurrent.SequenceLabeling.SequenceLabeler;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Trains a recurrent network that labels every step of each row's sequence (tokens as keys, or frames of D
    /// features): adds <c>PredictedLabels</c> (a key vector) and <c>Scores</c> (T x K probabilities, step-major). See
    /// <see cref="Labeler"/>; the <see cref="Labeler.Options"/> overload sets everything else (CRF, class weights, ...).
    /// </summary>
    /// <param name="labelColumnName">The labels: a vector of keys, one per step.</param>
    /// <param name="featureColumnName">The sequence: a vector of keys, or a vector of Single with dimensions <c>[0, D]</c>.</param>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units per direction and layer.</param>
    /// <param name="layers">Stacked recurrent layers.</param>
    /// <param name="bidirectional">Whether each layer also reads the sequence backwards (false for a streaming model).</param>
    /// <param name="outputLayer">A softmax per step, or a linear-chain CRF.</param>
    /// <param name="epochs">The most passes over the training rows.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public Labeler SequenceLabeler(
        string labelColumnName = Labeler.Defaults.LabelColumnName,
        string featureColumnName = Labeler.Defaults.FeatureColumnName,
        CellType cell = Labeler.Defaults.Cell,
        int hiddenSize = Labeler.Defaults.HiddenSize,
        int layers = Labeler.Defaults.Layers,
        bool bidirectional = Labeler.Defaults.Bidirectional,
        SequenceOutputLayer outputLayer = Labeler.Defaults.OutputLayer,
        int epochs = Labeler.Defaults.Epochs,
        int batchSize = Labeler.Defaults.BatchSize,
        double learningRate = Labeler.Defaults.LearningRate) =>
        new(Environment, new Labeler.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Cell = cell, HiddenSize = hiddenSize,
            Layers = layers, Bidirectional = bidirectional, OutputLayer = outputLayer, Epochs = epochs, BatchSize = batchSize,
            LearningRate = learningRate,
        });

    /// <summary>Trains a recurrent sequence labeler; see <see cref="Labeler"/>.</summary>
    /// <param name="options">The columns, network, training and cancellation options.</param>
    public Labeler SequenceLabeler(Labeler.Options options) => new(Environment, options);

    /// <summary>
    /// Scores per-step predictions against per-step labels over real steps only: token accuracy, macro-F1, per-class
    /// precision/recall/F1, the confusion matrix and, when the label's key values are BIO tags ("O", "B-x", "I-x"),
    /// span precision/recall/F1 by the CoNLL rule. Both columns are key vectors over the same K keys (the label's
    /// <c>KeyValues</c> name the classes); in every row they must have the same length.
    /// </summary>
    /// <param name="data">Transformed data holding both columns.</param>
    /// <param name="labelColumnName">The gold labels: a vector of keys.</param>
    /// <param name="predictedLabelsColumnName">The predictions: a vector of keys (the labeler's <c>PredictedLabels</c>).</param>
    /// <exception cref="InvalidOperationException">A row's two vectors differ in length or hold a missing key; the message names the row.</exception>
    public SequenceLabelingMetrics EvaluateLabels(IDataView data, string labelColumnName = Labeler.Defaults.LabelColumnName,
        string predictedLabelsColumnName = SequenceLabeling.SequenceLabelingTransformer.PredictedLabelsColumnName) =>
        LabelEvaluation.Evaluate(data, labelColumnName, predictedLabelsColumnName);
}
