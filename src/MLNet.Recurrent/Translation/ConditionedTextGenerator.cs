using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Translation.Internals;

namespace MLNet.Recurrent.Translation;

/// <summary>
/// Trains a generator whose input is a float vector column (image features from <c>DnnFeaturizeImage</c> or
/// <c>ApplyOnnxModel</c>, a label embedding, any vector) and whose output is text: one-to-many, as image captioning.
/// The vector (or a grid of T_v vectors of <c>Options.VectorSize</c>) is projected and read by the bidirectional
/// encoder, whose final states start the decoder and whose annotations it attends to; with
/// <c>Options.ConditionEveryStep</c> the projected vector also enters every decoder step; the rest is the
/// <see cref="Seq2SeqTranslator"/>'s network, training and decoding. Create it with
/// <c>mlContext.Transforms.Recurrent.ConditionedTextGenerator(...)</c>.
/// </summary>
public sealed class ConditionedTextGenerator : RecurrentEstimatorBase<ConditionedTextGeneratorTransformer>
{
    internal const string ComponentName = "ConditionedTextGenerator";

    private readonly Options _options;

    internal ConditionedTextGenerator(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = (Options)options.Clone();
        _options.Validate();
        if (string.IsNullOrWhiteSpace(_options.ConditionColumnName)) ThrowHelper.OutOfRange(nameof(Options.ConditionColumnName), _options.ConditionColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(_options.TargetColumnName)) ThrowHelper.OutOfRange(nameof(Options.TargetColumnName), _options.TargetColumnName, "it must name a column");
        if (_options.VectorSize < 0) ThrowHelper.OutOfRange(nameof(Options.VectorSize), _options.VectorSize, "it must be 0 (the column's size) or positive (a grid of vectors of this size)");
        if (_options.MaxLength <= 0) ThrowHelper.OutOfRange(nameof(Options.MaxLength), _options.MaxLength, "it must be positive");
        if (_options.MinTokenCount <= 0) ThrowHelper.OutOfRange(nameof(Options.MinTokenCount), _options.MinTokenCount, "it must be positive");
    }

    /// <summary>Options of <see cref="ConditionedTextGenerator"/>.</summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>The conditioning column: a vector of Single of known size.</summary>
        public string ConditionColumnName { get; set; } = "Features";

        /// <summary>The text to learn to generate (read only by <c>Fit</c>).</summary>
        public string TargetColumnName { get; set; } = "Text";

        /// <summary>The generated text column.</summary>
        public string OutputColumnName { get; set; } = "Generated";

        /// <summary>D: the size of one vector; 0 means the column is one vector. A positive D reads the column as a T_v x D grid.</summary>
        public int VectorSize { get; set; }

        /// <summary>Word tokens or characters.</summary>
        public TokenizerMode Tokenizer { get; set; } = TokenizerMode.Word;

        /// <summary>Tokens seen fewer times in training become the unknown token.</summary>
        [Range(1, 3, 2)]
        public int MinTokenCount { get; set; } = 2;

        /// <summary>The most tokens generated (and targets longer than this are cut at training).</summary>
        public int MaxLength { get; set; } = 40;

        /// <summary>E.</summary>
        [Range(16, 256, 64, logBase: true)]
        public int EmbeddingSize { get; set; } = 64;

        /// <summary>H.</summary>
        [Range(32, 512, 128, logBase: true)]
        public int HiddenSize { get; set; } = 128;

        /// <summary>LSTM or GRU.</summary>
        [Choice(new object[] { CellType.Lstm, CellType.Gru }, CellType.Lstm)]
        public CellType Cell { get; set; } = CellType.Lstm;

        /// <summary>
        /// Whether the vector also enters every decoder step (the captioning form <c>h_t = f(W_xh x_t + W_hh h_{t-1} + W_vh v)</c>):
        /// the projected vector (for a grid, the mean of its projected vectors) is concatenated to every decoder input.
        /// False (the default): the vector reaches the decoder only through the encoder's final states (which start the
        /// decoder) and attention.
        /// </summary>
        [BooleanChoice(false)]
        public bool ConditionEveryStep { get; set; }

        /// <summary>Dropout.</summary>
        [Range(0f, 0.5f, 0f)]
        public float Dropout { get; set; }

        /// <summary>Label smoothing eps.</summary>
        [Range(0f, 0.2f, 0f)]
        public float LabelSmoothing { get; set; }

        /// <summary>Scheduled sampling.</summary>
        public TeacherForcingSchedule TeacherForcing { get; set; } = TeacherForcingSchedule.Always;

        /// <summary>Passes over the examples.</summary>
        [Range(2, 40, 10, logBase: true)]
        public int Epochs { get; set; } = 10;

        /// <summary>Examples per batch.</summary>
        [Choice(new object[] { 16, 32, 64, 128 }, 32)]
        public int BatchSize { get; set; } = 32;

        /// <summary>Adam's learning rate.</summary>
        [Range(1e-4, 1e-2, 2e-3, logBase: true)]
        public double LearningRate { get; set; } = 2e-3;

        /// <summary>Held-out fraction for the validation loss after each epoch.</summary>
        public double ValidationFraction { get; set; } = 0.05;
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    private ColumnExpectation Condition => ColumnExpectation.FloatFrames(_options.VectorSize > 0 ? _options.VectorSize : 1);

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.ConditionColumnName, Condition);
        InputColumns.Require(inputSchema, Name, _options.TargetColumnName, ColumnExpectation.ScalarText());
        return [SchemaShapes.Scalar(_options.OutputColumnName, TextDataViewType.Instance)];
    }

    private protected override ConditionedTextGeneratorTransformer FitCore(IDataView input, TrainingSession session)
    {
        var condition = InputColumns.Require(input.Schema, Name, _options.ConditionColumnName, Condition);
        var target = InputColumns.Require(input.Schema, Name, _options.TargetColumnName, ColumnExpectation.ScalarText());
        int columnSize = ((VectorDataViewType)condition.Type).Size;
        if (columnSize == 0 && _options.VectorSize == 0)
            ThrowHelper.ColumnType(Name, condition.Name, ThrowHelper.Describe(condition.Type), "a vector of Single of known size, or set VectorSize");
        int d = _options.VectorSize > 0 ? _options.VectorSize : columnSize;
        var tokenizer = new TextTokenizer(_options.Tokenizer);
        List<float[]> vectors = [];
        List<string[]> texts = [];
        long row = 0, cut = 0, firstCut = -1;
        using (var cursor = input.GetRowCursor([condition, target]))
        {
            var getVector = cursor.GetGetter<VBuffer<float>>(condition);
            var getText = cursor.GetGetter<ReadOnlyMemory<char>>(target);
            VBuffer<float> v = default;
            ReadOnlyMemory<char> text = default;
            while (cursor.MoveNext())
            {
                session.ThrowIfCanceled();
                getVector(ref v);
                getText(ref text);
                SequenceInput.CheckSteps(_options.TargetColumnName, row, text.Length, "characters"); // the step limit, before tokenizing
                float[] dense = v.DenseValues().ToArray();
                if (dense.Length == 0 || dense.Length % d != 0)
                    ThrowHelper.RowValue(_options.ConditionColumnName, row, $"the vector has {dense.Length} values; it must hold one or more vectors of {d}");
                for (int i = 0; i < dense.Length; i++)
                    if (!float.IsFinite(dense[i])) ThrowHelper.RowValue(_options.ConditionColumnName, row, $"value {i} is {dense[i]}; conditions must be finite");
                string[] tokens = tokenizer.Tokenize(text.ToString());
                if (tokens.Length == 0) ThrowHelper.RowValue(_options.TargetColumnName, row, "the target is missing or empty; every training example needs a target");
                vectors.Add(dense);
                if (tokens.Length > _options.MaxLength)
                {
                    tokens = tokens[.._options.MaxLength];
                    cut++;
                    if (firstCut < 0) firstCut = row;
                }
                texts.Add(tokens);
                row++;
            }
        }
        if (vectors.Count == 0) throw new InvalidOperationException($"{Name}: the input has no rows; training needs at least one example.");
        if (cut > 0)
            session.Warning($"{Name}: cut {cut} targets (column '{_options.TargetColumnName}') longer than MaxLength = {_options.MaxLength} tokens (first: row {firstCut}).");
        var vocabulary = TranslationVocabularies.Build(texts, _options.MinTokenCount, _options.TargetColumnName, out int types);
        session.Info($"{Name}: {vectors.Count} examples; vocabulary {vocabulary.Count} entries ({types} types).");
        var network = new EncoderDecoder(new EncoderDecoderOptions
        {
            SourceVectorSize = d, TargetVocabularySize = vocabulary.Count, EmbeddingSize = _options.EmbeddingSize, HiddenSize = _options.HiddenSize,
            Cell = _options.Cell, Dropout = _options.Dropout, LabelSmoothing = _options.LabelSmoothing, ConditionEveryStep = _options.ConditionEveryStep,
        });
        network.Initialize(session.Seed);
        var log = new EpochLog(session, Name, _options.Epochs);
        var result = new Seq2SeqTrainer(network, new Seq2SeqTrainerOptions
        {
            Epochs = _options.Epochs, BatchSize = _options.BatchSize, LearningRate = _options.LearningRate, ValidationFraction = _options.ValidationFraction,
            Patience = 0, Seed = session.Seed, ReportEvery = 1, TeacherForcing = _options.TeacherForcing ?? TeacherForcingSchedule.Always,
        }).Fit(new VectorSequencePairs(vectors, [.. texts.Select(t => vocabulary.Encode(t))], d, TranslationVocabulary.StartId, TranslationVocabulary.EndId),
            null, session.Progress(log), session.CancellationToken);
        log.Flush();
        session.Complete(result, "steps");
        return new ConditionedTextGeneratorTransformer(Host, _options.ConditionColumnName, _options.OutputColumnName, _options.Tokenizer, _options.MaxLength, d, vocabulary, network);
    }
}
