using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Translation.Internals;

namespace MLNet.Recurrent.Translation;

/// <summary>
/// Trains an attention encoder-decoder that translates a text column into another language (many-to-many with
/// different lengths): word tokens by default (<c>\w+|[^\w\s]</c>, lower-cased, punctuation kept; vocabularies of
/// training tokens seen at least <c>MinTokenCount</c> times plus an unknown token) or characters; a bidirectional
/// LSTM/GRU encoder; an LSTM/GRU decoder with additive or general attention and input feeding; teacher forcing with
/// scheduled sampling and label smoothing. The fitted <see cref="Seq2SeqTranslatorTransformer"/> writes the
/// translation as a text column and offers <c>Translate</c>, <c>TranslateNBest</c> and the attention of one
/// translation. Create it with <c>mlContext.Transforms.Recurrent.Seq2SeqTranslator(...)</c>.
/// </summary>
/// <remarks>
/// Training refuses a row with an empty source or a missing/empty target, naming the column and the row.
/// Sources and targets longer than their limits are cut to it and counted in the log.
/// </remarks>
public sealed partial class Seq2SeqTranslator : RecurrentEstimatorBase<Seq2SeqTranslatorTransformer>
{
    internal const string ComponentName = "Seq2SeqTranslator";

    private readonly Options _options;

    internal Seq2SeqTranslator(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = (Options)options.Clone();
        Validate(_options);
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    private static void Validate(Options o)
    {
        o.Validate();
        foreach (var (name, value) in new[] { (nameof(Options.SourceColumnName), o.SourceColumnName), (nameof(Options.TargetColumnName), o.TargetColumnName), (nameof(Options.OutputColumnName), o.OutputColumnName) })
            if (string.IsNullOrWhiteSpace(value)) ThrowHelper.OutOfRange(name, value, "it must name a column");
        if (!Enum.IsDefined(o.Tokenizer)) ThrowHelper.OutOfRange(nameof(Options.Tokenizer), o.Tokenizer, "it must be Word or Character");
        if (o.MinTokenCount <= 0) ThrowHelper.OutOfRange(nameof(Options.MinTokenCount), o.MinTokenCount, "it must be positive");
        if (o.MaxSourceLength <= 0) ThrowHelper.OutOfRange(nameof(Options.MaxSourceLength), o.MaxSourceLength, "it must be positive");
        if (o.MaxTargetLength <= 0) ThrowHelper.OutOfRange(nameof(Options.MaxTargetLength), o.MaxTargetLength, "it must be positive");
        if (o.BeamWidth <= 0) ThrowHelper.OutOfRange(nameof(Options.BeamWidth), o.BeamWidth, "it must be positive (1 is greedy)");
        if (o.Sampling is { } sampling)
        {
            if (o.BeamWidth != 1)
                ThrowHelper.OutOfRange(nameof(Options.BeamWidth), o.BeamWidth, "the output column either samples ('Sampling' set) or searches a beam: set BeamWidth = 1 or Sampling = null");
            sampling.Validate();
        }
        NetworkOptions(o, 4, 4).Validate();
        CoreTrainerOptions(o, 0).Validate();
    }

    private static EncoderDecoderOptions NetworkOptions(Options o, int sourceVocabulary, int targetVocabulary) => new()
    {
        SourceVocabularySize = sourceVocabulary,
        TargetVocabularySize = targetVocabulary,
        EmbeddingSize = o.EmbeddingSize,
        HiddenSize = o.HiddenSize,
        EncoderLayers = o.EncoderLayers,
        Cell = o.Cell,
        Attention = o.Attention,
        InputFeeding = o.InputFeeding,
        Dropout = o.Dropout,
        LabelSmoothing = o.LabelSmoothing,
    };

    private static Seq2SeqTrainerOptions CoreTrainerOptions(Options o, int seed) => new()
    {
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        LearningRate = o.LearningRate,
        ClipNorm = o.ClipNorm,
        ValidationFraction = o.ValidationFraction,
        Patience = o.Patience,
        Seed = seed,
        ReportEvery = 1,
        TeacherForcing = o.TeacherForcing ?? TeacherForcingSchedule.Always,
    };

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.SourceColumnName, ColumnExpectation.ScalarText());
        InputColumns.Require(inputSchema, Name, _options.TargetColumnName, ColumnExpectation.ScalarText());
        return [SchemaShapes.Scalar(_options.OutputColumnName, TextDataViewType.Instance)];
    }

    private protected override Seq2SeqTranslatorTransformer FitCore(IDataView input, TrainingSession session)
    {
        var sourceColumn = InputColumns.Require(input.Schema, Name, _options.SourceColumnName, ColumnExpectation.ScalarText());
        var targetColumn = InputColumns.Require(input.Schema, Name, _options.TargetColumnName, ColumnExpectation.ScalarText());
        var tokenizer = new TextTokenizer(_options.Tokenizer, _options.Lowercase);
        List<string[]> sources = [], targets = [];
        int cutSources = 0, cutTargets = 0;
        long row = 0, firstCut = -1;
        using (var cursor = input.GetRowCursor([sourceColumn, targetColumn]))
        {
            var getSource = cursor.GetGetter<ReadOnlyMemory<char>>(sourceColumn);
            var getTarget = cursor.GetGetter<ReadOnlyMemory<char>>(targetColumn);
            ReadOnlyMemory<char> source = default, target = default;
            while (cursor.MoveNext())
            {
                session.ThrowIfCanceled();
                getSource(ref source);
                getTarget(ref target);
                // The step limit, as at prediction, before the row is tokenized.
                SequenceInput.CheckSteps(_options.SourceColumnName, row, source.Length, "characters");
                SequenceInput.CheckSteps(_options.TargetColumnName, row, target.Length, "characters");
                string[] s = tokenizer.Tokenize(source.ToString()), t = tokenizer.Tokenize(target.ToString());
                if (s.Length == 0) ThrowHelper.RowValue(_options.SourceColumnName, row, "the source is empty (no tokens); every training pair needs a source");
                if (t.Length == 0) ThrowHelper.RowValue(_options.TargetColumnName, row, "the target is missing or empty; every training pair needs a target");
                if (s.Length > _options.MaxSourceLength) { s = s[.._options.MaxSourceLength]; cutSources++; if (firstCut < 0) firstCut = row; }
                if (t.Length > _options.MaxTargetLength) { t = t[.._options.MaxTargetLength]; cutTargets++; if (firstCut < 0) firstCut = row; }
                sources.Add(s);
                targets.Add(t);
                row++;
            }
        }
        if (sources.Count == 0) throw new InvalidOperationException($"{Name}: the input has no rows; training needs at least one pair.");
        if (cutSources + cutTargets > 0)
            session.Warning($"{Name}: cut {cutSources} sources (column '{_options.SourceColumnName}') longer than MaxSourceLength = {_options.MaxSourceLength} and {cutTargets} targets (column '{_options.TargetColumnName}') longer than MaxTargetLength = {_options.MaxTargetLength} tokens (first: row {firstCut}).");
        var sourceVocabulary = TranslationVocabularies.Build(sources, _options.MinTokenCount, _options.SourceColumnName, out int sourceTypes);
        var targetVocabulary = TranslationVocabularies.Build(targets, _options.MinTokenCount, _options.TargetColumnName, out int targetTypes);
        session.Info($"{Name}: {sources.Count} pairs; vocabularies {sourceVocabulary.Count} source ({sourceTypes} types) and {targetVocabulary.Count} target ({targetTypes} types) entries.");

        var pairs = new Seq2SeqPairs([.. sources.Select(s => sourceVocabulary.Encode(s))], [.. targets.Select(t => targetVocabulary.Encode(t))],
            TranslationVocabulary.StartId, TranslationVocabulary.EndId);
        var network = new EncoderDecoder(NetworkOptions(_options, sourceVocabulary.Count, targetVocabulary.Count));
        network.Initialize(session.Seed);
        var log = new EpochLog(session, Name, _options.Epochs);
        TrainingResult result = new Seq2SeqTrainer(network, CoreTrainerOptions(_options, session.Seed)).Fit(pairs, null, session.Progress(log), session.CancellationToken);
        log.Flush();
        session.Complete(result, "steps");
        return new Seq2SeqTranslatorTransformer(Host, _options.SourceColumnName, _options.OutputColumnName, _options.Tokenizer, _options.Lowercase,
            _options.MaxSourceLength, _options.BeamWidth, _options.Sampling, sourceVocabulary, targetVocabulary, network);
    }
}
