using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.SequenceLabeling.Internals;

namespace MLNet.Recurrent.SequenceLabeling;

/// <summary>
/// Trains a recurrent network that reads a whole sequence and labels every step (many-to-many): the part of speech
/// of each word, whether each sensor reading belongs to an event, the action in each video frame. The sequence is
/// tokens (a vector of keys; embeddings are learned) or T frames of D features (any featurizer); the label is a
/// vector of keys of the same length. Bidirectional LSTM by default (any cell, stacked), with a per-step softmax or a
/// linear-chain CRF output layer, and optional character-level word features (<c>Options.CharacterFeatures</c>: the
/// words' spellings, read from the token column's <c>KeyValues</c>, label words never seen in training). The transformer adds <c>PredictedLabels</c> (a key vector with the label's
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
        _options = (Options)options.Clone(); // later changes to the caller's object do not change this estimator
        _options.ClassWeights = (float[]?)options.ClassWeights?.Clone();
        Validate(_options);
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    /// <summary>
    /// Checks the options the engine does not know (columns, frame size, vocabulary limit); the engine's own options
    /// objects then name every other wrong value, so a bad option fails here, not at <c>Fit</c>.
    /// </summary>
    private static void Validate(Options o)
    {
        o.Validate();
        if (string.IsNullOrWhiteSpace(o.LabelColumnName)) ThrowHelper.OutOfRange(nameof(Options.LabelColumnName), o.LabelColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName)) ThrowHelper.OutOfRange(nameof(Options.FeatureColumnName), o.FeatureColumnName, "it must name a column");
        if (o.FrameSize < 0) ThrowHelper.OutOfRange(nameof(Options.FrameSize), o.FrameSize, "it must be positive, or 0 to take D from the column's dimensions [0, D]");
        if (o.MinTokenCount <= 0) ThrowHelper.OutOfRange(nameof(Options.MinTokenCount), o.MinTokenCount, "it must be positive");
        if (o.ClassWeights is not null && o.OutputLayer == SequenceOutputLayer.Crf)
            ThrowHelper.OutOfRange(nameof(Options.ClassWeights), $"{o.ClassWeights.Length} weights", "class weights apply to the Softmax output layer, not the Crf");
        if (o.CharacterFeatures)
        {
            if (o.CharacterEmbeddingSize <= 0) ThrowHelper.OutOfRange(nameof(Options.CharacterEmbeddingSize), o.CharacterEmbeddingSize, "it must be positive");
            if (o.CharacterHiddenSize <= 0) ThrowHelper.OutOfRange(nameof(Options.CharacterHiddenSize), o.CharacterHiddenSize, "it must be positive");
            if (o.FrameSize > 0)
                ThrowHelper.OutOfRange(nameof(Options.FrameSize), o.FrameSize, "character features read token keys (words), not frames: set FrameSize = 0 or CharacterFeatures = false");
        }
        CoreNetworkOptions(o, vocabulary: 2, frameSize: 0, classes: o.ClassWeights?.Length is > 0 and var n ? n : 2, characters: o.CharacterFeatures ? 2 : 0).Validate();
        CoreTrainerOptions(o, seed: 0).Validate();
    }

    /// <summary>The engine's network options for these options and the data's input and classes.</summary>
    private static SequenceNetworkOptions CoreNetworkOptions(Options o, int vocabulary, int frameSize, int classes, int characters) => new()
    {
        CharacterVocabularySize = characters,
        CharacterEmbeddingSize = o.CharacterEmbeddingSize,
        CharacterHiddenSize = o.CharacterHiddenSize,
        InputVocabularySize = vocabulary,
        FrameSize = frameSize,
        EmbeddingSize = o.EmbeddingSize,
        Cell = o.Cell,
        HiddenSize = o.HiddenSize,
        Layers = o.Layers,
        Bidirectional = o.Bidirectional,
        Dropout = o.Dropout,
        PerStepOutput = true,
        OutputSize = classes,
        OutputLayer = o.OutputLayer,
        ClassWeights = o.ClassWeights,
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

    /// <summary>What the label column must be.</summary>
    internal static ColumnExpectation LabelExpectation() => ColumnExpectation.LabelSequence();

    /// <summary>What the feature column must be with these options: with character features, keys only.</summary>
    private ColumnExpectation FeatureExpectation() =>
        _options.CharacterFeatures ? ColumnExpectation.KeySequence() : FeatureExpectation(_options.FrameSize);

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.FeatureColumnName, FeatureExpectation());
        InputColumns.Require(inputSchema, Name, _options.LabelColumnName, LabelExpectation());
        return SequenceLabelingTransformer.OutputShapes();
    }

    private protected override SequenceLabelingTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column features = InputColumns.Require(input.Schema, Name, _options.FeatureColumnName, FeatureExpectation());
        DataViewSchema.Column label = InputColumns.Require(input.Schema, Name, _options.LabelColumnName, LabelExpectation());
        var labelKeys = (KeyDataViewType)((VectorDataViewType)label.Type).ItemType;
        if (labelKeys.Count < 2)
            ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type), "keys of at least 2 classes");
        // The documented limits, before anything is sized by the tag count (names, class counts, the output layer).
        if (labelKeys.Count > RecurrentLimits.MaxClassCount)
            ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type),
                $"keys of at most {RecurrentLimits.MaxClassCount} tags (RecurrentLimits.MaxClassCount); it declares {labelKeys.Count}");
        if (_options.OutputLayer == SequenceOutputLayer.Crf && labelKeys.Count > RecurrentLimits.MaxCrfTagCount)
            ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type),
                $"keys of at most {RecurrentLimits.MaxCrfTagCount} tags with OutputLayer = Crf (RecurrentLimits.MaxCrfTagCount: the CRF keeps a tag-by-tag matrix); it declares {labelKeys.Count}");
        int classCount = (int)labelKeys.Count;
        if (_options.ClassWeights is { } weights && weights.Length != classCount)
            ThrowHelper.OutOfRange(nameof(Options.ClassWeights), $"{weights.Length} weights", $"it must hold one weight per label key of column '{label.Name}' ({classCount})");
        string[] classNames = ClassNames(label, classCount);

        LabelingData data = LabelingData.Read(input, features, label, SequenceInput.For(Name, features, _options.FrameSize), classCount,
            _options.MinTokenCount, _options.CharacterFeatures, session, session.CancellationToken);
        SequenceInput sequenceInput = data.Input;
        session.Info($"{Name}: training a {_options.Cell}{(_options.OutputLayer == SequenceOutputLayer.Crf ? "-CRF" : "")} labeler on {data.Sequences.Count} rows ({data.Steps} labelled steps, up to {data.Longest} per row) of " +
            (sequenceInput.IsTokens
                ? $"tokens (embeddings for {sequenceInput.VocabularySize - 1} of {sequenceInput.KeyCount} keys, seen at least {_options.MinTokenCount} times, + unknown)"
                : $"frames of {sequenceInput.FrameSize} features") +
            (data.Spellings is { } sp ? $", character features over {sp.VocabularySize - 2} characters" : "") + $", {classCount} classes.");

        var network = new SequenceNetwork(CoreNetworkOptions(_options,
            sequenceInput.IsTokens ? sequenceInput.VocabularySize : 0, sequenceInput.IsTokens ? 0 : sequenceInput.FrameSize, classCount,
            data.Spellings?.VocabularySize ?? 0));
        network.Initialize(session.Seed);
        var trainer = new SequenceTrainer(network, CoreTrainerOptions(_options, session.Seed));
        var log = new EpochLog(session, Name, _options.Epochs);
        TrainingResult result = trainer.Fit(data.Sequences, session.Progress(log), session.CancellationToken);
        log.Flush();
        session.Complete(result, "steps");
        return new SequenceLabelingTransformer(Host, _options.FeatureColumnName, classNames, sequenceInput, data.Spellings, network, result);
    }

    private static string[] ClassNames(DataViewSchema.Column label, int classCount)
    {
        string[]? names = Annotations.ReadKeyValuesAsText(label);
        if (names is not null && names.Length == classCount) return names;
        // Without key values the classes are known only by their key, 1..K.
        return Enumerable.Range(1, classCount).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }
}
