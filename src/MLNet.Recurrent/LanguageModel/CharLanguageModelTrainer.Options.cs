using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.LanguageModel;

public sealed partial class CharLanguageModelTrainer
{
    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments: the reference char-rnn setup.</summary>
    public static class Defaults
    {
        /// <summary>The text column: "Text".</summary>
        public const string TextColumnName = "Text";

        /// <summary>Rows are joined with a newline.</summary>
        public const string Separator = "\n";

        /// <summary>An LSTM.</summary>
        public const CellType Cell = CellType.Lstm;

        /// <summary>256 hidden units per layer.</summary>
        public const int HiddenSize = 256;

        /// <summary>Two stacked layers.</summary>
        public const int Layers = 2;

        /// <summary>64-dimensional character embeddings.</summary>
        public const int EmbeddingSize = 64;

        /// <summary>No dropout.</summary>
        public const float Dropout = 0f;

        /// <summary>0: every character seen in the training part gets its own id.</summary>
        public const int MaxVocabularySize = 0;

        /// <summary>2,000 updates.</summary>
        public const long Steps = 2000;

        /// <summary>32 parallel tracks.</summary>
        public const int BatchSize = 32;

        /// <summary>64 characters per truncated-BPTT chunk.</summary>
        public const int SequenceLength = 64;

        /// <summary>Adam.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;

        /// <summary>A learning rate of 0.002.</summary>
        public const double LearningRate = 2e-3;

        /// <summary>Gradients clipped to a global L2 norm of 5.</summary>
        public const double ClipNorm = 5;

        /// <summary>The last 5% of the joined text is held out.</summary>
        public const double ValidationFraction = 0.05;

        /// <summary>Validation every 500 updates (and at the end).</summary>
        public const int EvaluateEvery = 500;

        /// <summary>Progress every 10 updates.</summary>
        public const int ReportEvery = 10;

        /// <summary>Validation reads the held-out text as one track.</summary>
        public const int ValidationTracks = 1;

        /// <summary>Validation reads 256 characters per forward pass, the state carried across.</summary>
        public const int ValidationChunk = 256;

        /// <summary>Stop after 3 evaluations without a better validation loss.</summary>
        public const int Patience = 3;
    }

    /// <summary>
    /// Options of <see cref="CharLanguageModelTrainer"/>. Every property is settable and has a default (see
    /// <see cref="Defaults"/>).
    /// </summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>The text: a single String per row. Rows are documents, joined with <see cref="Separator"/> into one stream; empty rows are skipped.</summary>
        public string TextColumnName { get; set; } = Defaults.TextColumnName;

        /// <summary>Joins the rows; its first character also primes scoring and generation (the model reads it before any text).</summary>
        public string Separator { get; set; } = Defaults.Separator;

        /// <summary>The recurrent cell: <see cref="CellType.Lstm"/>, <see cref="CellType.Gru"/>, <see cref="CellType.RnnTanh"/> or <see cref="CellType.RnnRelu"/>.</summary>
        [Choice(new object[] { CellType.Lstm, CellType.Gru }, Defaults.Cell)]
        public CellType Cell { get; set; } = Defaults.Cell;

        /// <summary>H, hidden units per layer.</summary>
        [Range(64, 1024, Defaults.HiddenSize, logBase: true)]
        public int HiddenSize { get; set; } = Defaults.HiddenSize;

        /// <summary>Stacked recurrent layers.</summary>
        [Range(1, 3, Defaults.Layers)]
        public int Layers { get; set; } = Defaults.Layers;

        /// <summary>E, the size of the learned character embeddings.</summary>
        [Range(16, 256, Defaults.EmbeddingSize, logBase: true)]
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>Dropout between stacked layers and before the output layer during training, in [0, 1).</summary>
        [Range(0f, 0.5f, Defaults.Dropout)]
        public float Dropout { get; set; } = Defaults.Dropout;

        /// <summary>
        /// Keeps only this many most frequent characters (the unknown symbol included); rarer and unseen characters
        /// read as the unknown symbol U+FFFD. 0 keeps every character of the training part. At most
        /// <see cref="Core.Text.RecurrentLimits.MaxVocabularySize"/> (2^20); with 0, text holding more distinct characters
        /// than that is refused at <c>Fit</c>.
        /// </summary>
        public int MaxVocabularySize { get; set; } = Defaults.MaxVocabularySize;

        /// <summary>The number of updates (each reads <see cref="BatchSize"/> x <see cref="SequenceLength"/> characters).</summary>
        public long Steps { get; set; } = Defaults.Steps;

        /// <summary>Stops after this much training time even before <see cref="Steps"/> updates; null for no time limit.</summary>
        public TimeSpan? MaxDuration { get; set; }

        /// <summary>B: the stream is cut into this many parallel tracks, read side by side.</summary>
        [Choice(new object[] { 16, 32, 64, 128 }, Defaults.BatchSize)]
        public int BatchSize { get; set; } = Defaults.BatchSize;

        /// <summary>Characters per truncated-BPTT chunk: the state is carried across chunks, its gradient is not.</summary>
        [Choice(new object[] { 32, 64, 128, 256 }, Defaults.SequenceLength)]
        public int SequenceLength { get; set; } = Defaults.SequenceLength;

        /// <summary>The optimizer.</summary>
        public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

        /// <summary>The learning rate.</summary>
        [Range(3e-4, 1e-2, Defaults.LearningRate, logBase: true)]
        public double LearningRate { get; set; } = Defaults.LearningRate;

        /// <summary>Clips the gradients to this global L2 norm; 0 turns clipping off.</summary>
        [Range(0.5, 20.0, Defaults.ClipNorm, logBase: true)]
        public double ClipNorm { get; set; } = Defaults.ClipNorm;

        /// <summary>The last fraction of the joined text, held out for validation (and never trained on), in [0, 1).</summary>
        public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

        /// <summary>Measures the validation loss every this many updates (and at the end).</summary>
        public int EvaluateEvery { get; set; } = Defaults.EvaluateEvery;

        /// <summary>Logs progress (loss, bits per character, tokens per second, ETA) and calls <see cref="RecurrentTrainerOptions.Progress"/> every this many updates.</summary>
        public int ReportEvery { get; set; } = Defaults.ReportEvery;

        /// <summary>Parallel tracks that read the validation text (1 reads it as one sequence, the reference measure).</summary>
        public int ValidationTracks { get; set; } = Defaults.ValidationTracks;

        /// <summary>Characters per forward pass while reading the validation text (the state is carried across).</summary>
        public int ValidationChunk { get; set; } = Defaults.ValidationChunk;

        /// <summary>
        /// Stop after this many evaluations without a lower validation loss; 0 never stops early. Either way the
        /// weights of the best evaluation are kept.
        /// </summary>
        public int Patience { get; set; } = Defaults.Patience;

        /// <summary>
        /// Called on the training thread after each validation with a copy of the model as it is at that point (the
        /// weights of that update, not the best so far) and the report, e.g. to print samples as training goes on.
        /// </summary>
        public Action<CharLanguageModel, TrainingProgress>? OnEvaluation { get; set; }
    }
}
