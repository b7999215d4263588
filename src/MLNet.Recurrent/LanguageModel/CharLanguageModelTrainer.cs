using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

using MLNet.Recurrent.Core.Layers;

namespace MLNet.Recurrent.LanguageModel;

/// <summary>
/// Trains a character-level language model, char-rnn style: the text column's rows are joined (with
/// <see cref="Options.Separator"/>) into one stream, the last <see cref="Options.ValidationFraction"/> is held out,
/// and the rest is cut into B parallel tracks and trained with truncated backpropagation through time, the state
/// carried from one chunk to the next. The vocabulary is the Unicode code points of the training part (optionally
/// the most frequent ones); unseen characters read as the unknown symbol. The weights of the best validation loss
/// are kept; training stops early after <see cref="Options.Patience"/> evaluations without improvement. Create it
/// with <c>mlContext.Transforms.Recurrent.CharLanguageModel(...)</c>; the fitted
/// <see cref="CharLanguageModelTransformer"/> scores rows and generates text.
/// </summary>
/// <remarks>
/// Progress (updates, loss, bits per character, tokens per second, ETA) and each validation go to <c>MLContext.Log</c>
/// every <see cref="Options.ReportEvery"/> updates, and to <see cref="RecurrentTrainerOptions.Progress"/>.
/// </remarks>
public sealed partial class CharLanguageModelTrainer : RecurrentEstimatorBase<CharLanguageModelTransformer>
{
    internal const string ComponentName = "CharLanguageModel";

    private readonly Options _options;

    internal CharLanguageModelTrainer(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = (Options)options.Clone(); // later changes to the caller's object do not change this estimator
        Validate(_options);
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    /// <summary>
    /// Checks the options the engine does not know (column, separator, vocabulary limit); the engine's own options
    /// then name every other wrong value, so a bad option fails here, not at <c>Fit</c>.
    /// </summary>
    private static void Validate(Options o)
    {
        o.Validate();
        if (string.IsNullOrWhiteSpace(o.TextColumnName)) ThrowHelper.OutOfRange(nameof(Options.TextColumnName), o.TextColumnName, "it must name a column");
        if (string.IsNullOrEmpty(o.Separator)) ThrowHelper.OutOfRange(nameof(Options.Separator), o.Separator, "it must be a non-empty string");
        if (o.MaxVocabularySize < 0 || o.MaxVocabularySize == 1)
            ThrowHelper.OutOfRange(nameof(Options.MaxVocabularySize), o.MaxVocabularySize, "it must be 0 (no limit) or at least 2 (the unknown symbol and one character)");
        _ = ToCore(o, seed: 0);
    }

    private static CharLanguageModelOptions ToCore(Options o, int seed)
    {
        var core = new CharLanguageModelOptions
        {
            EmbeddingSize = o.EmbeddingSize,
            HiddenSize = o.HiddenSize,
            Layers = o.Layers,
            Cell = o.Cell,
            Dropout = o.Dropout,
            MaxVocabularySize = o.MaxVocabularySize == 0 ? null : o.MaxVocabularySize,
            Training = new StreamTrainerOptions
            {
                Steps = o.Steps,
                MaxDuration = o.MaxDuration,
                BatchSize = o.BatchSize,
                SequenceLength = o.SequenceLength,
                Optimizer = o.Optimizer,
                LearningRate = o.LearningRate,
                ClipNorm = o.ClipNorm,
                ValidationFraction = o.ValidationFraction,
                EvaluateEvery = o.EvaluateEvery,
                ReportEvery = o.ReportEvery,
                ValidationTracks = o.ValidationTracks,
                ValidationChunk = o.ValidationChunk,
                Patience = o.Patience,
                Seed = seed,
            },
        };
        if (!Enum.IsDefined(o.Cell)) ThrowHelper.OutOfRange(nameof(Options.Cell), o.Cell, "it must be Lstm, Gru, RnnTanh or RnnRelu");
        core.Validate();
        return core;
    }

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.TextColumnName, ColumnExpectation.ScalarText());
        return CharLanguageModelTransformer.OutputShapes();
    }

    private protected override CharLanguageModelTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column column = InputColumns.Require(input.Schema, Name, _options.TextColumnName, ColumnExpectation.ScalarText());
        (string text, long rows, long empty) = JoinRows(input, column, _options.Separator, session);
        if (text.Length == 0)
            throw new InvalidOperationException($"{Name}: all {rows} rows of column '{column.Name}' are empty; training needs text.");
        if (empty > 0) session.Warning($"{Name}: skipped {empty} of {rows} rows whose text (column '{column.Name}') is empty.");

        if (_options.MaxVocabularySize == 0) RequireVocabularyWithinLimit(text, column.Name);
        CharLanguageModelOptions core = ToCore(_options, session.Seed);
        long needed = (long)_options.BatchSize * _options.SequenceLength + 1;
        long trainLength = (long)(text.Length * (1 - _options.ValidationFraction));
        if (trainLength < needed)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: the training part of the text has {trainLength} characters ({rows - empty} rows, {text.Length} characters joined, the last {_options.ValidationFraction:P0} held out); 'BatchSize' ({_options.BatchSize}) tracks of 'SequenceLength' ({_options.SequenceLength}) need at least {needed}."));
        session.Info(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: training a {_options.Layers} x {_options.HiddenSize} {_options.Cell} on {text.Length:N0} characters from {rows - empty} rows ({trainLength:N0} for training, {text.Length - trainLength:N0} held out), {_options.BatchSize} tracks of {_options.SequenceLength} steps, up to {_options.Steps} updates{(_options.MaxDuration is { } d ? $" or {d}" : "")}."));

        var log = new ProgressLog(session, Name, _options.MaxDuration);
        (CharLanguageModel model, TrainingResult result) =
            CharLanguageModel.Train(text, core, session.Progress(log), session.CancellationToken, _options.Separator, _options.OnEvaluation);
        session.Complete(result, "updates");
        return new CharLanguageModelTransformer(Host, _options.TextColumnName, model, result);
    }

    /// <summary>
    /// Without 'MaxVocabularySize' every character of the text gets an id: refuse text with more distinct characters
    /// than <see cref="RecurrentLimits.MaxVocabularySize"/> allows (the unknown symbol takes one id), naming the column
    /// and the option, before the vocabulary or the network is built. A bitmap of every code point (136 KiB) counts them.
    /// </summary>
    private static void RequireVocabularyWithinLimit(string text, string column)
    {
        var seen = new System.Collections.BitArray(0x110000);
        int distinct = 0;
        foreach (Rune r in text.EnumerateRunes())
        {
            if (r == CharVocabulary.DefaultUnknownSymbol || seen[r.Value]) continue;
            seen[r.Value] = true;
            if (++distinct + 1 > RecurrentLimits.MaxVocabularySize)
                throw new InvalidOperationException($"Column '{column}': the text holds more than {distinct - 1} distinct characters; a character vocabulary may hold at most " +
                    $"{RecurrentLimits.MaxVocabularySize} ids, the unknown symbol included (RecurrentLimits.MaxVocabularySize); set '{nameof(Options.MaxVocabularySize)}' " +
                    "to keep only the most frequent characters.");
        }
    }

    /// <summary>The non-empty rows of <paramref name="column"/> joined with <paramref name="separator"/>.</summary>
    private static (string Text, long Rows, long Empty) JoinRows(IDataView input, DataViewSchema.Column column, string separator, TrainingSession session)
    {
        var sb = new StringBuilder();
        long rows = 0, empty = 0;
        using DataViewRowCursor cursor = input.GetRowCursor([column]);
        ValueGetter<ReadOnlyMemory<char>> getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            if ((rows & 1023) == 0) session.ThrowIfCanceled();
            rows++;
            getter(ref value);
            if (value.IsEmpty)
            {
                empty++;
                continue;
            }
            if (sb.Length > 0) sb.Append(separator);
            sb.Append(value.Span);
        }
        return (sb.ToString(), rows, empty);
    }
}
