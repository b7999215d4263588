using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
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
/// <c>mlContext.Transforms.Recurrent.LstmSequenceClassifier(...)</c>. An optional side input
/// (<see cref="Options.SideColumnName"/>, for example <c>FeaturizeText</c>'s sparse n-grams) is mapped linearly onto
/// the class scores beside the recurrent summary; token and embedding dropout, weight decay and temperature scaling
/// (<see cref="Options.TemperatureScaling"/>) are the levers for small data.
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
        if (o.SideColumnName is not null && string.IsNullOrWhiteSpace(o.SideColumnName))
            ThrowHelper.OutOfRange(nameof(Options.SideColumnName), o.SideColumnName, "it must name a column, or be null for no side input");
        if (!(o.TokenDropout >= 0f && o.TokenDropout < 1f)) ThrowHelper.OutOfRange(nameof(Options.TokenDropout), o.TokenDropout, "it must be in [0, 1)");
        if (!(o.EmbeddingDropout >= 0f && o.EmbeddingDropout < 1f)) ThrowHelper.OutOfRange(nameof(Options.EmbeddingDropout), o.EmbeddingDropout, "it must be in [0, 1)");
        if (o.TemperatureScaling && !(o.ValidationFraction > 0))
            ThrowHelper.OutOfRange(nameof(Options.TemperatureScaling), o.TemperatureScaling, $"temperature scaling is fitted on the validation rows: set 'ValidationFraction' above 0 (it was {o.ValidationFraction})");
        if (o.PretrainingEpochs < 0) ThrowHelper.OutOfRange(nameof(Options.PretrainingEpochs), o.PretrainingEpochs, "it must be zero (no pretraining) or positive");
        if (o.PretrainingData is not null && o.PretrainingEpochs == 0)
            ThrowHelper.OutOfRange(nameof(Options.PretrainingData), "a view", "unlabelled text is read only for pretraining: set 'PretrainingEpochs' above 0 (it was 0)");
        CoreNetworkOptions(o, vocabulary: 2, frameSize: 0, classes: 2, sideInputSize: 0).Validate();
        CoreTrainerOptions(o, seed: 0).Validate();
    }

    /// <summary>The engine's network options for these options and the data's input and classes.</summary>
    private static SequenceNetworkOptions CoreNetworkOptions(Options o, int vocabulary, int frameSize, int classes, int sideInputSize) => new()
    {
        // Token and embedding dropout apply to token inputs; with frames they stay 0 (the options' checks say so).
        TokenDropout = vocabulary > 0 ? o.TokenDropout : 0f,
        EmbeddingDropout = vocabulary > 0 ? o.EmbeddingDropout : 0f,
        SideInputSize = sideInputSize,
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
        WeightDecay = o.WeightDecay,
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
        if (_options.SideColumnName is { } side) InputColumns.Require(inputSchema, Name, side, SideFeatureReader.Expectation());
        return label.ItemType is BooleanDataViewType
            ? SequenceClassificationTransformer.BinaryOutputShapes()
            : SequenceClassificationTransformer.MulticlassOutputShapes();
    }

    private protected override SequenceClassificationTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column features = InputColumns.Require(input.Schema, Name, _options.FeatureColumnName, FeatureExpectation(_options.FrameSize));
        DataViewSchema.Column label = InputColumns.Require(input.Schema, Name, _options.LabelColumnName, ColumnExpectation.ClassLabel());
        bool binary = label.Type is BooleanDataViewType;
        int classCount = ClassLabelReader.RequireClassCount(Name, label, "a label");
        SequenceInput declared = SequenceInput.For(Name, features, _options.FrameSize); // before anything is sized by the columns
        string[] classNames = binary ? ["False", "True"] : ClassNames(label, classCount);

        DataViewSchema.Column? side = _options.SideColumnName is { } sideName
            ? InputColumns.Require(input.Schema, Name, sideName, SideFeatureReader.Expectation()) : null;
        if (!declared.IsTokens && (_options.TokenDropout > 0f || _options.EmbeddingDropout > 0f))
            ThrowHelper.OutOfRange(_options.TokenDropout > 0f ? nameof(Options.TokenDropout) : nameof(Options.EmbeddingDropout),
                _options.TokenDropout > 0f ? _options.TokenDropout : _options.EmbeddingDropout,
                $"token and embedding dropout need token features, but column '{_options.FeatureColumnName}' holds frames");
        if (!declared.IsTokens && _options.PretrainingEpochs > 0)
            ThrowHelper.OutOfRange(nameof(Options.PretrainingEpochs), _options.PretrainingEpochs,
                $"language model pretraining needs token features, but column '{_options.FeatureColumnName}' holds frames");
        int sideSize = side is { } sideColumn ? SideFeatureReader.SizeOf(sideColumn.Type) : 0;

        TrainingData data = TrainingData.Read(input, features, label, declared,
            _options.MaxSequenceLength, _options.MinTokenCount, session, session.CancellationToken, side);
        Report(session, data, classCount, sideSize);
        SequenceInput sequenceInput = data.Input;

        var network = new SequenceNetwork(CoreNetworkOptions(_options,
            sequenceInput.IsTokens ? sequenceInput.VocabularySize : 0, sequenceInput.IsTokens ? 0 : sequenceInput.FrameSize, classCount, sideSize));
        network.Initialize(session.Seed);
        if (_options.PretrainingEpochs > 0) Pretrain(session, network, data, declared);
        var trainer = new SequenceTrainer(network, CoreTrainerOptions(_options, session.Seed));
        var log = new EpochLog(session, Name, _options.Epochs);
        TrainingResult result = trainer.Fit(data.Sequences, session.Progress(log), session.CancellationToken);
        log.Flush();
        session.Complete(result, "steps");
        float temperature = 1f;
        if (_options.TemperatureScaling)
        {
            temperature = (float)trainer.FitTemperature(data.Sequences);
            session.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Name}: temperature scaling fitted T = {temperature:F4} on the {trainer.ValidationIndices.Count} validation rows (probabilities are softmax(logits / T))."));
        }

        return new SequenceClassificationTransformer(Host, _options.FeatureColumnName, binary, classNames, _options.MaxSequenceLength, sequenceInput, network, result,
            _options.SideColumnName, temperature);
    }

    /// <summary>Trains the embedding and recurrent layers as language models first (<see cref="Options.PretrainingEpochs"/>).</summary>
    private void Pretrain(TrainingSession session, SequenceNetwork network, TrainingData data, SequenceInput declared)
    {
        var rows = new List<int[]>(data.TokenRows);
        int extra = 0;
        if (_options.PretrainingData is { } unlabelled)
        {
            List<int[]> more = UnlabelledTokens.Read(Name, nameof(Options.PretrainingData), unlabelled, _options.FeatureColumnName,
                declared.KeyCount, data.Input, _options.MaxSequenceLength, session);
            extra = more.Count;
            rows.AddRange(more);
        }
        SequenceTrainerOptions lm = CoreTrainerOptions(_options, session.Seed);
        // No weight decay: it is tuned for the labels, and decoupled decay over a long language model run would shrink
        // the very weights being learned for transfer.
        lm = new SequenceTrainerOptions
        {
            Epochs = _options.PretrainingEpochs, BatchSize = lm.BatchSize, Optimizer = lm.Optimizer, LearningRate = lm.LearningRate,
            ClipNorm = lm.ClipNorm, ValidationFraction = lm.ValidationFraction, Patience = lm.Patience,
            Seed = lm.Seed, ReportEvery = 100,
        };
        IReadOnlyList<PretrainedDirection> done = LanguageModelPretraining.Run(network, rows, lm, null, session.CancellationToken);
        foreach (PretrainedDirection d in done)
            session.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Name}: pretrained the {(d.Backward ? "backward" : "forward")} language model on {data.TokenRows.Count} training rows + {extra} unlabelled rows for {d.Training.Epochs} epochs: held-out next-token loss {d.LossBefore:F4} -> {d.LossAfter:F4} nats."));
    }

    private static string[] ClassNames(DataViewSchema.Column label, int classCount)
    {
        string[]? names = Annotations.ReadKeyValuesAsText(label);
        if (names is not null && names.Length == classCount) return names;
        // Without key values the classes are known only by their key, 1..K.
        return Enumerable.Range(1, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private void Report(TrainingSession session, TrainingData data, int classCount, int sideSize)
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
            $", {classCount} classes, up to {data.LongestUsed} steps per row" +
            (sideSize > 0 ? $", with a side input of {sideSize} slots (column '{_options.SideColumnName}')." : "."));
    }
}
