using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Core.Layers;

namespace MLNet.Recurrent.SequenceClassification;

/// <summary>
/// Trains a recurrent network (LSTM by default, or GRU or a plain RNN; stacked, optionally bidirectional) that
/// reads a whole sequence, summarizes it (last step, mean or max) and predicts one class: many-to-one sequence
/// classification. The sequence is either tokens (a vector of keys; embeddings are learned) or T frames of D
/// features. The label is a key (multiclass: <c>Score</c> and a key <c>PredictedLabel</c>, ready for
/// <c>MulticlassClassification.Evaluate</c> and <c>MapKeyToValue</c>) or a Boolean (binary: <c>Score</c>,
/// <c>Probability</c>, <c>PredictedLabel</c>, ready for <c>BinaryClassification.Evaluate</c>). Create it with
/// <c>mlContext.Transforms.Recurrent.LstmSequenceClassifier(...)</c>.
/// </summary>
/// <remarks>
/// Each epoch's training loss and validation loss and accuracy are logged to <c>MLContext.Log</c>. Training skips
/// rows whose label is the missing key and rows with an empty sequence (both counted in the log). At prediction,
/// an empty sequence is predicted from the output layer alone, because the pooled summary of no steps is the
/// zero vector: every empty row gets the softmax of the output layer's bias.
/// </remarks>
public sealed partial class LstmSequenceClassifier : RecurrentEstimatorBase<SequenceClassificationTransformer>
{
    internal const string ComponentName = "LstmSequenceClassifier";

    private readonly Options _options;

    internal LstmSequenceClassifier(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = (Options)options.Clone(); // later changes to the caller's object do not change this estimator
        Validate(_options);
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    /// <summary>
    /// Checks the options the engine does not know (columns, frame size, vocabulary and length limits); the engine's
    /// own options objects then name every other wrong value, so a bad option fails here, not at <c>Fit</c>.
    /// </summary>
    private static void Validate(Options o)
    {
        o.Validate();
        if (string.IsNullOrWhiteSpace(o.LabelColumnName)) ThrowHelper.OutOfRange(nameof(Options.LabelColumnName), o.LabelColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName)) ThrowHelper.OutOfRange(nameof(Options.FeatureColumnName), o.FeatureColumnName, "it must name a column");
        if (o.FrameSize < 0) ThrowHelper.OutOfRange(nameof(Options.FrameSize), o.FrameSize, "it must be positive, or 0 to take D from the column's dimensions [0, D]");
        if (o.MaxSequenceLength < 0) ThrowHelper.OutOfRange(nameof(Options.MaxSequenceLength), o.MaxSequenceLength, "it must be zero (no limit) or positive");
        if (o.MinTokenCount <= 0) ThrowHelper.OutOfRange(nameof(Options.MinTokenCount), o.MinTokenCount, "it must be positive");
        CoreNetworkOptions(o, vocabulary: 2, frameSize: 0, classes: 2).Validate();
        CoreTrainerOptions(o, seed: 0).Validate();
    }

    /// <summary>The engine's network options for these options and the data's input and classes.</summary>
    private static SequenceNetworkOptions CoreNetworkOptions(Options o, int vocabulary, int frameSize, int classes) => new()
    {
        InputVocabularySize = vocabulary,
        FrameSize = frameSize,
        EmbeddingSize = o.EmbeddingSize,
        Cell = o.Cell,
        HiddenSize = o.HiddenSize,
        Layers = o.Layers,
        Bidirectional = o.Bidirectional,
        Dropout = o.Dropout,
        Pooling = o.Pooling,
        OutputSize = classes,
    };

    /// <summary>The engine's trainer options for these options.</summary>
    private static SequenceTrainerOptions CoreTrainerOptions(Options o, int seed) => new()
    {
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        Optimizer = o.Optimizer,
        LearningRate = o.LearningRate,
        ClipNorm = o.ClipNorm,
        ValidationFraction = o.ValidationFraction,
        Patience = o.Patience,
        Seed = seed,
        ReportEvery = 1, // every step, so the epoch log can average the training loss
    };

    /// <summary>What the feature column must be: keys, or frames of the configured (or declared) size.</summary>
    internal static ColumnExpectation FeatureExpectation(int frameSize) =>
        ColumnExpectation.Either(ColumnExpectation.KeySequence(), ColumnExpectation.FloatFrames(frameSize));

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.FeatureColumnName, FeatureExpectation(_options.FrameSize));
        SchemaShape.Column label = InputColumns.Require(inputSchema, Name, _options.LabelColumnName, ColumnExpectation.ClassLabel());
        return label.ItemType is BooleanDataViewType
            ? SequenceClassificationTransformer.BinaryOutputShapes()
            : SequenceClassificationTransformer.MulticlassOutputShapes();
    }

    private protected override SequenceClassificationTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column features = InputColumns.Require(input.Schema, Name, _options.FeatureColumnName, FeatureExpectation(_options.FrameSize));
        DataViewSchema.Column label = InputColumns.Require(input.Schema, Name, _options.LabelColumnName, ColumnExpectation.ClassLabel());
        bool binary = label.Type is BooleanDataViewType;
        int classCount = ClassLabelReader.ClassCountOf(label.Type);
        if (classCount < 2)
            ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type), "a label with at least 2 classes");
        string[] classNames = binary ? ["False", "True"] : ClassNames(label, classCount);

        TrainingData data = TrainingData.Read(input, features, label, SequenceInput.For(features, _options.FrameSize),
            _options.MaxSequenceLength, _options.MinTokenCount, session, session.CancellationToken);
        Report(session, data, classCount);
        SequenceInput sequenceInput = data.Input;

        var network = new SequenceNetwork(CoreNetworkOptions(_options,
            sequenceInput.IsTokens ? sequenceInput.VocabularySize : 0, sequenceInput.IsTokens ? 0 : sequenceInput.FrameSize, classCount));
        network.Initialize(session.Seed);
        var trainer = new SequenceTrainer(network, CoreTrainerOptions(_options, session.Seed));
        var log = new EpochLog(session, Name, _options.Epochs);
        TrainingResult result = trainer.Fit(data.Sequences, session.Progress(log), session.CancellationToken);
        log.Flush();
        session.Complete(result, "steps");

        return new SequenceClassificationTransformer(Host, _options.FeatureColumnName, binary, classNames, _options.MaxSequenceLength, sequenceInput, network, result);
    }

    private static string[] ClassNames(DataViewSchema.Column label, int classCount)
    {
        string[]? names = Annotations.ReadKeyValuesAsText(label);
        if (names is not null && names.Length == classCount) return names;
        // Without key values the classes are known only by their key, 1..K.
        return Enumerable.Range(1, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private void Report(TrainingSession session, TrainingData data, int classCount)
    {
        if (data.Sequences.Count == 0)
            throw new InvalidOperationException($"{Name}: none of the {data.RowsRead} rows has both a label (column '{_options.LabelColumnName}') and a non-empty sequence (column '{_options.FeatureColumnName}'); training needs at least one.");
        if (data.MissingLabels > 0)
            session.Warning($"{Name}: skipped {data.MissingLabels} of {data.RowsRead} rows whose label (column '{_options.LabelColumnName}') is the missing key.");
        if (data.EmptyRows > 0)
            session.Warning($"{Name}: skipped {data.EmptyRows} of {data.RowsRead} rows whose sequence (column '{_options.FeatureColumnName}') is empty.");
        if (data.Truncated > 0)
            session.Warning($"{Name}: {data.Truncated} of {data.Sequences.Count} rows were longer than MaxSequenceLength = {_options.MaxSequenceLength} steps and were cut to their first {_options.MaxSequenceLength} (the longest had {data.LongestRow}).");
        session.Info($"{Name}: training a {_options.Cell} classifier on {data.Sequences.Count} rows of " +
            (data.Input.IsTokens
                ? $"tokens (embeddings for {data.Input.VocabularySize - 1} of {data.Input.KeyCount} keys, seen at least {_options.MinTokenCount} times, + unknown)"
                : $"frames of {data.Input.FrameSize} features") +
            $", {classCount} classes, up to {data.LongestUsed} steps per row.");
    }
}
