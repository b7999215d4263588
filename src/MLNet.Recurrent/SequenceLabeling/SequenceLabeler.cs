using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling.Internals;

namespace MLNet.Recurrent.SequenceLabeling;

/// <summary>
/// Trains a recurrent network that reads a whole sequence and labels every step (many-to-many): the part of speech
/// of each word, whether each sensor reading belongs to an event, the action in each video frame. The sequence is
/// tokens (a vector of keys; embeddings are learned) or T frames of D features (any featurizer); the label is a
/// vector of keys of the same length. Bidirectional LSTM by default (any cell, stacked), with a per-step softmax or a
/// linear-chain CRF output layer. The transformer adds <c>PredictedLabels</c> (a key vector with the label's
/// <c>KeyValues</c>) and <c>Scores</c> (T x K probabilities). Create it with
/// <c>mlContext.Transforms.Recurrent.SequenceLabeler(...)</c>.
/// </summary>
/// <remarks>
/// Each epoch's training loss and validation loss and per-step accuracy are logged to <c>MLContext.Log</c>. Nothing is
/// skipped: an empty sequence, a label vector whose length differs from the sequence's, a missing label key or a
/// non-finite frame value stops <c>Fit</c> with an exception naming the column and the row.
/// </remarks>
public sealed partial class SequenceLabeler : RecurrentEstimatorBase<SequenceLabelingTransformer>
{
    internal const string ComponentName = "SequenceLabeler";

    private readonly Options _options;

    internal SequenceLabeler(IHostEnvironment env, Options options)
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
        if (!Enum.IsDefined(o.OutputLayer)) ThrowHelper.OutOfRange(nameof(Options.OutputLayer), o.OutputLayer, "it must be Softmax or Crf");
        if (o.ClassWeights is not null && o.OutputLayer == SequenceOutputLayer.Crf)
            ThrowHelper.OutOfRange(nameof(Options.ClassWeights), $"{o.ClassWeights.Length} weights", "class weights apply to the Softmax output layer, not the Crf");
        foreach (var (value, name) in (ReadOnlySpan<(int, string)>)[(o.HiddenSize, nameof(Options.HiddenSize)), (o.Layers, nameof(Options.Layers)),
                     (o.EmbeddingSize, nameof(Options.EmbeddingSize)), (o.Epochs, nameof(Options.Epochs)), (o.BatchSize, nameof(Options.BatchSize)),
                     (o.MinTokenCount, nameof(Options.MinTokenCount))])
            if (value <= 0) ThrowHelper.OutOfRange(name, value, "it must be positive");
        if (!(o.Dropout >= 0f && o.Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Options.Dropout), o.Dropout, "it must be in [0, 1)");
        if (!Enum.IsDefined(o.Optimizer)) ThrowHelper.OutOfRange(nameof(Options.Optimizer), o.Optimizer, "it must be a defined optimizer");
        if (!(o.LearningRate > 0) || double.IsInfinity(o.LearningRate)) ThrowHelper.OutOfRange(nameof(Options.LearningRate), o.LearningRate, "it must be a positive finite number");
        if (!(o.ClipNorm >= 0) || double.IsInfinity(o.ClipNorm)) ThrowHelper.OutOfRange(nameof(Options.ClipNorm), o.ClipNorm, "it must be zero (off) or a positive finite number");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction < 1)) ThrowHelper.OutOfRange(nameof(Options.ValidationFraction), o.ValidationFraction, "it must be in [0, 1)");
        if (o.Patience < 0) ThrowHelper.OutOfRange(nameof(Options.Patience), o.Patience, "it must be zero (never stop early) or positive");
        if (o.Threads is <= 0) ThrowHelper.OutOfRange(nameof(Options.Threads), o.Threads, "it must be positive, or null to leave the thread count as it is");
        // A private copy: later changes to the caller's object do not change this estimator.
        return new Options
        {
            LabelColumnName = o.LabelColumnName, FeatureColumnName = o.FeatureColumnName, FrameSize = o.FrameSize, Cell = o.Cell,
            HiddenSize = o.HiddenSize, Layers = o.Layers, Bidirectional = o.Bidirectional, EmbeddingSize = o.EmbeddingSize,
            Dropout = o.Dropout, OutputLayer = o.OutputLayer, ClassWeights = (float[]?)o.ClassWeights?.Clone(), Epochs = o.Epochs,
            BatchSize = o.BatchSize, Optimizer = o.Optimizer, LearningRate = o.LearningRate, ClipNorm = o.ClipNorm,
            ValidationFraction = o.ValidationFraction, Patience = o.Patience, MinTokenCount = o.MinTokenCount, Seed = o.Seed,
            Threads = o.Threads, CancellationToken = o.CancellationToken,
        };
    }

    /// <summary>What the feature column must be: keys, or frames of the configured (or declared) size.</summary>
    internal static ColumnExpectation FeatureExpectation(int frameSize) =>
        ColumnExpectation.Either(ColumnExpectation.KeySequence(), ColumnExpectation.FloatFrames(frameSize));

    /// <summary>What the label column must be.</summary>
    internal static ColumnExpectation LabelExpectation() => ColumnExpectation.LabelSequence();

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.FeatureColumnName, FeatureExpectation(_options.FrameSize));
        InputColumns.Require(inputSchema, Name, _options.LabelColumnName, LabelExpectation());
        return SequenceLabelingTransformer.OutputShapes();
    }

    private protected override SequenceLabelingTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column features = InputColumns.Require(input.Schema, Name, _options.FeatureColumnName, FeatureExpectation(_options.FrameSize));
        DataViewSchema.Column label = InputColumns.Require(input.Schema, Name, _options.LabelColumnName, LabelExpectation());
        var labelKeys = (KeyDataViewType)((VectorDataViewType)label.Type).ItemType;
        if (labelKeys.Count < 2 || labelKeys.Count > int.MaxValue)
            ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type), "keys of at least 2 classes");
        int classCount = (int)labelKeys.Count;
        if (_options.ClassWeights is { } weights && weights.Length != classCount)
            ThrowHelper.OutOfRange(nameof(Options.ClassWeights), $"{weights.Length} weights", $"it must hold one weight per label key of column '{label.Name}' ({classCount})");
        string[] classNames = ClassNames(label, classCount);

        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(session.CancellationToken, _options.CancellationToken);
        LabelingData data = LabelingData.Read(input, features, label, SequenceInput.For(features, _options.FrameSize), classCount,
            _options.MinTokenCount, session, linked.Token);
        SequenceInput sequenceInput = data.Input;
        session.Info($"{Name}: training a {_options.Cell}{(_options.OutputLayer == SequenceOutputLayer.Crf ? "-CRF" : "")} labeler on {data.Sequences.Count} rows ({data.Steps} labelled steps, up to {data.Longest} per row) of " +
            (sequenceInput.IsTokens
                ? $"tokens (embeddings for {sequenceInput.VocabularySize - 1} of {sequenceInput.KeyCount} keys, seen at least {_options.MinTokenCount} times, + unknown)"
                : $"frames of {sequenceInput.FrameSize} features") + $", {classCount} classes.");

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
            PerStepOutput = true,
            OutputSize = classCount,
            OutputLayer = _options.OutputLayer,
            ClassWeights = _options.ClassWeights,
        });
        network.Initialize(seed);
        var trainer = new SequenceTrainer(network, new SequenceTrainerOptions
        {
            Epochs = _options.Epochs, BatchSize = _options.BatchSize, Optimizer = _options.Optimizer, LearningRate = _options.LearningRate,
            ClipNorm = _options.ClipNorm, ValidationFraction = _options.ValidationFraction, Patience = _options.Patience, Seed = seed,
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
            ? $"{Name}: {(result.StoppedEarly ? "stopped early" : "finished")} after {result.Epochs} epochs ({result.Steps} steps); kept the weights of the best validation loss {best.Loss:F4} (per-step accuracy {best.Accuracy.ToString("P2", CultureInfo.InvariantCulture)})."
            : $"{Name}: finished after {result.Epochs} epochs ({result.Steps} steps).");
        return new SequenceLabelingTransformer(Host, _options.FeatureColumnName, classNames, sequenceInput, network, result);
    }

    private static string[] ClassNames(DataViewSchema.Column label, int classCount)
    {
        string[]? names = Annotations.ReadKeyValuesAsText(label);
        if (names is not null && names.Length == classCount) return names;
        // Without key values the classes are known only by their key, 1..K.
        return Enumerable.Range(1, classCount).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }
}
