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
        _options = Check(options);
    }

    private static Options Check(Options o)
    {
        if (string.IsNullOrWhiteSpace(o.LabelColumnName)) ThrowHelper.OutOfRange(nameof(Options.LabelColumnName), o.LabelColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName)) ThrowHelper.OutOfRange(nameof(Options.FeatureColumnName), o.FeatureColumnName, "it must name a column");
        if (o.FrameSize < 0) ThrowHelper.OutOfRange(nameof(Options.FrameSize), o.FrameSize, "it must be positive, or 0 to take D from the column's dimensions [0, D]");
        if (!Enum.IsDefined(o.Cell)) ThrowHelper.OutOfRange(nameof(Options.Cell), o.Cell, "it must be Lstm, Gru, RnnTanh or RnnRelu");
        if (!Enum.IsDefined(o.Pooling)) ThrowHelper.OutOfRange(nameof(Options.Pooling), o.Pooling, "it must be Last, Mean or Max");
        Positive(o.HiddenSize, nameof(Options.HiddenSize));
        Positive(o.Layers, nameof(Options.Layers));
        Positive(o.EmbeddingSize, nameof(Options.EmbeddingSize));
        Positive(o.Epochs, nameof(Options.Epochs));
        Positive(o.BatchSize, nameof(Options.BatchSize));
        if (!(o.Dropout >= 0f && o.Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Options.Dropout), o.Dropout, "it must be in [0, 1)");
        if (!Enum.IsDefined(o.Optimizer)) ThrowHelper.OutOfRange(nameof(Options.Optimizer), o.Optimizer, "it must be a defined optimizer");
        if (!(o.LearningRate > 0) || double.IsInfinity(o.LearningRate)) ThrowHelper.OutOfRange(nameof(Options.LearningRate), o.LearningRate, "it must be a positive finite number");
        if (!(o.ClipNorm >= 0) || double.IsInfinity(o.ClipNorm)) ThrowHelper.OutOfRange(nameof(Options.ClipNorm), o.ClipNorm, "it must be zero (off) or a positive finite number");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction < 1)) ThrowHelper.OutOfRange(nameof(Options.ValidationFraction), o.ValidationFraction, "it must be in [0, 1)");
        if (o.Patience < 0) ThrowHelper.OutOfRange(nameof(Options.Patience), o.Patience, "it must be zero (never stop early) or positive");
        if (o.MaxSequenceLength < 0) ThrowHelper.OutOfRange(nameof(Options.MaxSequenceLength), o.MaxSequenceLength, "it must be zero (no limit) or positive");
        Positive(o.MinTokenCount, nameof(Options.MinTokenCount));
        if (o.Threads is <= 0) ThrowHelper.OutOfRange(nameof(Options.Threads), o.Threads, "it must be positive, or null to leave the thread count as it is");
        // A private copy: later changes to the caller's object do not change this estimator.
        return new Options
        {
            LabelColumnName = o.LabelColumnName, FeatureColumnName = o.FeatureColumnName, FrameSize = o.FrameSize,
            Cell = o.Cell, HiddenSize = o.HiddenSize, Layers = o.Layers, Bidirectional = o.Bidirectional,
            EmbeddingSize = o.EmbeddingSize, Dropout = o.Dropout, Pooling = o.Pooling, Epochs = o.Epochs,
            BatchSize = o.BatchSize, Optimizer = o.Optimizer, LearningRate = o.LearningRate, ClipNorm = o.ClipNorm,
            ValidationFraction = o.ValidationFraction, Patience = o.Patience, MaxSequenceLength = o.MaxSequenceLength, MinTokenCount = o.MinTokenCount,
            Seed = o.Seed, Threads = o.Threads, CancellationToken = o.CancellationToken,
        };
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) ThrowHelper.OutOfRange(name, value, "it must be positive");
    }

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

        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(session.CancellationToken, _options.CancellationToken);
        TrainingData data = TrainingData.Read(input, features, label, SequenceInput.For(features, _options.FrameSize),
            _options.MaxSequenceLength, _options.MinTokenCount, session, linked.Token);
        Report(session, data, classCount);
        SequenceInput sequenceInput = data.Input;

        int seed = _options.Seed ?? session.NextSeed();
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = sequenceInput.IsTokens ? sequenceInput.VocabularySize : 0,
            FrameSize = sequenceInput.IsTokens ? 0 : sequenceInput.FrameSize,
            EmbeddingSize = _options.EmbeddingSize,
            Cell = _options.Cell,
            HiddenSize = _options.HiddenSize,
            Layers = _options.Layers,
            Bidirectional = _options.Bidirectional,
            Dropout = _options.Dropout,
            Pooling = _options.Pooling,
            OutputSize = classCount,
        });
        network.Initialize(seed);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            Epochs = _options.Epochs,
            BatchSize = _options.BatchSize,
            Optimizer = _options.Optimizer,
            LearningRate = _options.LearningRate,
            ClipNorm = _options.ClipNorm,
            ValidationFraction = _options.ValidationFraction,
            Patience = _options.Patience,
            Seed = seed,
            ReportEvery = 1, // every step, so the epoch log can average the training loss
        });

        int previousThreads = ComputeSettings.MaxThreads;
        if (_options.Threads is int threads) ComputeSettings.MaxThreads = threads;
        TrainingResult result;
        var log = new EpochLog(session, Name, _options.Epochs);
        try
        {
            result = trainer.Fit(data.Sequences, log, linked.Token);
        }
        finally
        {
            if (_options.Threads is not null) ComputeSettings.MaxThreads = previousThreads;
        }
        log.Flush();
        if (result.Canceled)
        {
            session.ThrowIfCanceled();
            throw new OperationCanceledException($"{Name}: training was canceled by Options.CancellationToken after {result.Steps} steps.", _options.CancellationToken);
        }
        session.Info(result.BestValidation is { } best
            ? $"{Name}: {(result.StoppedEarly ? "stopped early" : "finished")} after {result.Epochs} epochs ({result.Steps} steps); kept the weights of the best validation loss {best.Loss:F4} (accuracy {best.Accuracy.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)})."
            : $"{Name}: finished after {result.Epochs} epochs ({result.Steps} steps).");

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
