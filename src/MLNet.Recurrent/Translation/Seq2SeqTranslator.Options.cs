using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Text;

namespace MLNet.Recurrent.Translation;

public sealed partial class Seq2SeqTranslator
{
    /// <summary>The defaults of <see cref="Options"/>: the reference translator's configuration.</summary>
    public static class Defaults
    {
        /// <summary>The source text column.</summary>
        public const string SourceColumnName = "Source";

        /// <summary>The target text column.</summary>
        public const string TargetColumnName = "Target";

        /// <summary>The translation column written.</summary>
        public const string OutputColumnName = "Translation";

        /// <summary>Word tokens.</summary>
        public const TokenizerMode Tokenizer = TokenizerMode.Word;

        /// <summary>Tokens seen fewer times in training become the unknown token.</summary>
        public const int MinTokenCount = 2;

        /// <summary>Longest source in tokens; longer ones are cut (and counted in the log).</summary>
        public const int MaxSourceLength = 100;

        /// <summary>Longest target in tokens; longer ones are cut (and counted in the log).</summary>
        public const int MaxTargetLength = 100;

        /// <summary>E.</summary>
        public const int EmbeddingSize = 128;

        /// <summary>H.</summary>
        public const int HiddenSize = 256;

        /// <summary>Epochs.</summary>
        public const int Epochs = 15;

        /// <summary>Pairs per batch.</summary>
        public const int BatchSize = 64;

        /// <summary>Adam's learning rate.</summary>
        public const double LearningRate = 1e-3;

        /// <summary>Greedy decoding for the output column.</summary>
        public const int BeamWidth = 1;
    }

    /// <summary>Options of <see cref="Seq2SeqTranslator"/>.</summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>The source text column (a single String).</summary>
        public string SourceColumnName { get; set; } = Defaults.SourceColumnName;

        /// <summary>The target text column (a single String), read only by <c>Fit</c>.</summary>
        public string TargetColumnName { get; set; } = Defaults.TargetColumnName;

        /// <summary>The translation column written (a single String).</summary>
        public string OutputColumnName { get; set; } = Defaults.OutputColumnName;

        /// <summary>Word tokens (<c>\w+|[^\w\s]</c>, punctuation kept) or characters.</summary>
        public TokenizerMode Tokenizer { get; set; } = Defaults.Tokenizer;

        /// <summary>Whether text is lower-cased before tokenizing.</summary>
        public bool Lowercase { get; set; } = true;

        /// <summary>Tokens seen fewer times in training become the unknown token.</summary>
        [Range(1, 3, Defaults.MinTokenCount)]
        public int MinTokenCount { get; set; } = Defaults.MinTokenCount;

        /// <summary>Longest source in tokens; longer sources are cut and counted in the log.</summary>
        public int MaxSourceLength { get; set; } = Defaults.MaxSourceLength;

        /// <summary>Longest target in tokens; longer targets are cut and counted in the log.</summary>
        public int MaxTargetLength { get; set; } = Defaults.MaxTargetLength;

        /// <summary>E: the embedding size.</summary>
        [Range(32, 512, Defaults.EmbeddingSize, logBase: true)]
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>H: the encoder's size per direction and the decoder's.</summary>
        [Range(64, 1024, Defaults.HiddenSize, logBase: true)]
        public int HiddenSize { get; set; } = Defaults.HiddenSize;

        /// <summary>Stacked bidirectional encoder layers.</summary>
        [Range(1, 3, 1)]
        public int EncoderLayers { get; set; } = 1;

        /// <summary>LSTM or GRU.</summary>
        [Choice(new object[] { CellType.Lstm, CellType.Gru }, CellType.Lstm)]
        public CellType Cell { get; set; } = CellType.Lstm;

        /// <summary>
        /// <see cref="AttentionStyle.Additive"/> (Bahdanau: <c>v . tanh(W_q h + W_k enc_j)</c>),
        /// <see cref="AttentionStyle.General"/> (Luong: <c>h . (W_k enc_j + b)</c>) or <see cref="AttentionStyle.Dot"/>
        /// (Luong dot, no parameters: <c>h . (enc_j^fwd + enc_j^bwd)</c>, the two directions' halves summed to H).
        /// </summary>
        [Choice(new object[] { AttentionStyle.Additive, AttentionStyle.General, AttentionStyle.Dot }, AttentionStyle.Additive)]
        public AttentionStyle Attention { get; set; } = AttentionStyle.Additive;

        /// <summary>Whether the decoder reads its previous context (input feeding).</summary>
        [BooleanChoice(true)]
        public bool InputFeeding { get; set; } = true;

        /// <summary>Dropout on embeddings, between encoder layers and before the output layer.</summary>
        [Range(0f, 0.5f, 0f)]
        public float Dropout { get; set; }

        /// <summary>Label smoothing eps.</summary>
        [Range(0f, 0.2f, 0f)]
        public float LabelSmoothing { get; set; }

        /// <summary>Scheduled sampling: the probability of feeding the true token by training step (teacher forcing by default).</summary>
        public TeacherForcingSchedule TeacherForcing { get; set; } = TeacherForcingSchedule.Always;

        /// <summary>Passes over the training pairs.</summary>
        [Range(3, 60, Defaults.Epochs, logBase: true)]
        public int Epochs { get; set; } = Defaults.Epochs;

        /// <summary>Pairs per batch.</summary>
        [Choice(new object[] { 16, 32, 64, 128 }, Defaults.BatchSize)]
        public int BatchSize { get; set; } = Defaults.BatchSize;

        /// <summary>Adam's learning rate.</summary>
        [Range(1e-4, 1e-2, Defaults.LearningRate, logBase: true)]
        public double LearningRate { get; set; } = Defaults.LearningRate;

        /// <summary>Global gradient-norm clip.</summary>
        [Range(0.5, 20.0, 5.0, logBase: true)]
        public double ClipNorm { get; set; } = 5;

        /// <summary>Fraction of the pairs held out for validation loss after each epoch (0: none).</summary>
        public double ValidationFraction { get; set; } = 0.05;

        /// <summary>Stop after this many epochs without a better validation loss (0: never).</summary>
        public int Patience { get; set; }

        /// <summary>The beam width of the output column's decoder (1: greedy).</summary>
        public int BeamWidth { get; set; } = Defaults.BeamWidth;

        /// <summary>
        /// When set, the output column (and <c>Translate</c>) samples each translation instead of decoding greedily:
        /// temperature, top-k, top-p and a seed. Every row is sampled from a generator seeded with that seed, so a
        /// source gets the same translation in any row, cursor, thread or process. Null (the default): greedy, or
        /// beam search when <see cref="BeamWidth"/> &gt; 1; sampling needs <see cref="BeamWidth"/> = 1.
        /// </summary>
        public SamplingOptions? Sampling { get; set; }
    }
}
