using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.SequenceLabeling;

public sealed partial class SequenceLabeler
{
    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments.</summary>
    public static class Defaults
    {
        /// <summary>The label column: "Label".</summary>
        public const string LabelColumnName = "Label";

        /// <summary>The feature column: "Features".</summary>
        public const string FeatureColumnName = "Features";

        /// <summary>0: take D from the feature column's dimensions <c>[0, D]</c> (frame inputs only).</summary>
        public const int FrameSize = 0;

        /// <summary>An LSTM.</summary>
        public const CellType Cell = CellType.Lstm;

        /// <summary>128 hidden units per direction and layer.</summary>
        public const int HiddenSize = 128;

        /// <summary>One recurrent layer.</summary>
        public const int Layers = 1;

        /// <summary>Both directions: offline labelling sees the whole sequence (a stream needs false).</summary>
        public const bool Bidirectional = true;

        /// <summary>100-dimensional token embeddings.</summary>
        public const int EmbeddingSize = 100;

        /// <summary>No dropout.</summary>
        public const float Dropout = 0f;

        /// <summary>An independent softmax at every step.</summary>
        public const SequenceOutputLayer OutputLayer = SequenceOutputLayer.Softmax;

        /// <summary>5 passes over the training rows.</summary>
        public const int Epochs = 5;

        /// <summary>32 rows per mini-batch.</summary>
        public const int BatchSize = 32;

        /// <summary>Adam.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;

        /// <summary>A learning rate of 0.001.</summary>
        public const double LearningRate = 1e-3;

        /// <summary>Gradients clipped to a global L2 norm of 5.</summary>
        public const double ClipNorm = 5;

        /// <summary>10% of the rows held out to measure validation loss and accuracy after each epoch.</summary>
        public const double ValidationFraction = 0.1;

        /// <summary>Stop after 3 epochs without a better validation loss.</summary>
        public const int Patience = 3;

        /// <summary>Tokens seen once in training share the unknown embedding.</summary>
        public const int MinTokenCount = 2;

        /// <summary>No character-level word features.</summary>
        public const bool CharacterFeatures = false;

        /// <summary>25-dimensional character embeddings (Lample et al. 2016).</summary>
        public const int CharacterEmbeddingSize = 25;

        /// <summary>25 hidden units per direction of the character LSTM (Lample et al. 2016).</summary>
        public const int CharacterHiddenSize = 25;
    }

    /// <summary>
    /// Options of <see cref="SequenceLabeler"/>. Every property is settable and has a default (see <see cref="Defaults"/>).
    /// Seed, threads, progress and cancellation are shared by every trained component (<see cref="RecurrentTrainerOptions"/>).
    /// </summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>
        /// The labels: a vector of keys (from <c>MapValueToKey</c> on a vector of strings), one per step of the
        /// feature column's sequence (the same length T in every row). A missing key (a value the key map never saw)
        /// is an error at training, naming the row and step.
        /// </summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>
        /// The sequences: a vector of keys (tokens from <c>TokenizeIntoWords</c> + <c>MapValueToKey</c>; the missing
        /// key, keys too rare at training and keys beyond those seen map to one shared unknown embedding), or a vector
        /// of Single holding T frames of D features, D declared by the type
        /// <c>new VectorDataViewType(NumberDataViewType.Single, 0, D)</c> or given by <see cref="FrameSize"/>.
        /// </summary>
        public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

        /// <summary>D, features per frame, for a feature column that is a plain Single vector; 0 takes D from the column's dimensions <c>[0, D]</c>.</summary>
        public int FrameSize { get; set; } = Defaults.FrameSize;

        /// <summary>The recurrent cell: <see cref="CellType.Lstm"/>, <see cref="CellType.Gru"/>, <see cref="CellType.RnnTanh"/> or <see cref="CellType.RnnRelu"/>.</summary>
        [Choice(new object[] { CellType.Lstm, CellType.Gru }, Defaults.Cell)]
        public CellType Cell { get; set; } = Defaults.Cell;

        /// <summary>H, hidden units of each direction of each layer.</summary>
        [Range(32, 512, Defaults.HiddenSize, logBase: true)]
        public int HiddenSize { get; set; } = Defaults.HiddenSize;

        /// <summary>Stacked recurrent layers.</summary>
        [Range(1, 3, Defaults.Layers)]
        public int Layers { get; set; } = Defaults.Layers;

        /// <summary>
        /// Whether each layer also reads the sequence backwards (the outputs are concatenated). Streaming
        /// (<see cref="SequenceLabelingTransformer.CreateStream"/>) needs a forward-only model.
        /// </summary>
        [BooleanChoice(Defaults.Bidirectional)]
        public bool Bidirectional { get; set; } = Defaults.Bidirectional;

        /// <summary>E, the size of the learned token embeddings (token features only).</summary>
        [Range(16, 256, Defaults.EmbeddingSize, logBase: true)]
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>Dropout between stacked layers and before the output layer during training, in [0, 1).</summary>
        [Range(0f, 0.6f, Defaults.Dropout)]
        public float Dropout { get; set; } = Defaults.Dropout;

        /// <summary>
        /// <see cref="SequenceOutputLayer.Softmax"/>: an independent class distribution per step;
        /// <see cref="SequenceOutputLayer.Crf"/>: a linear-chain CRF (learned transitions between labels; labels are
        /// the Viterbi path, <c>Scores</c> the per-step marginal probabilities).
        /// </summary>
        [Choice(new object[] { SequenceOutputLayer.Softmax, SequenceOutputLayer.Crf }, Defaults.OutputLayer)]
        public SequenceOutputLayer OutputLayer { get; set; } = Defaults.OutputLayer;

        /// <summary>
        /// Optional per-class weights of the softmax loss, in key order (K values, each finite and zero or
        /// positive): give rare labels more weight. Null weighs every class 1. Not available with the CRF.
        /// </summary>
        public float[]? ClassWeights { get; set; }

        /// <summary>The most passes over the training rows.</summary>
        [Range(2, 30, Defaults.Epochs, logBase: true)]
        public int Epochs { get; set; } = Defaults.Epochs;

        /// <summary>Rows per mini-batch (rows of similar length are batched together).</summary>
        [Choice(new object[] { 8, 16, 32, 64 }, Defaults.BatchSize)]
        public int BatchSize { get; set; } = Defaults.BatchSize;

        /// <summary>The optimizer.</summary>
        public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

        /// <summary>The learning rate.</summary>
        [Range(1e-4, 1e-2, Defaults.LearningRate, logBase: true)]
        public double LearningRate { get; set; } = Defaults.LearningRate;

        /// <summary>Clips the gradients to this global L2 norm; 0 turns clipping off.</summary>
        [Range(0.5, 20.0, Defaults.ClipNorm, logBase: true)]
        public double ClipNorm { get; set; } = Defaults.ClipNorm;

        /// <summary>
        /// The fraction of training rows held out (a seeded draw) to measure loss and per-step accuracy after every
        /// epoch, for the log and early stopping; in [0, 1). 0 trains on every row for exactly <see cref="Epochs"/> epochs.
        /// </summary>
        public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

        /// <summary>Stop after this many epochs without a lower validation loss, keeping the best epoch's weights; 0 never stops early.</summary>
        public int Patience { get; set; } = Defaults.Patience;

        /// <summary>Token keys seen fewer than this many times in training share the unknown embedding; 1 gives every key seen its own.</summary>
        [Range(1, 3, Defaults.MinTokenCount)]
        public int MinTokenCount { get; set; } = Defaults.MinTokenCount;

        /// <summary>
        /// Character-level word features (token features only): each word's characters run through a small
        /// bidirectional LSTM whose two final states are concatenated to the word's embedding, so a word the labeler
        /// never saw in training (or saw fewer than <see cref="MinTokenCount"/> times) is still labelled from its
        /// spelling. The spellings are the feature column's <c>KeyValues</c> (the words' text, as <c>MapValueToKey</c>
        /// keeps them); a key column without them is an error naming the column. A word the key map itself never saw
        /// (the missing key) has no text and reads as one unknown character, so to label unseen words from their
        /// spelling, fit the key map on a vocabulary that holds them (all the text, or a term list). Such a model
        /// cannot stream.
        /// </summary>
        [BooleanChoice(Defaults.CharacterFeatures)]
        public bool CharacterFeatures { get; set; } = Defaults.CharacterFeatures;

        /// <summary>E_c, the size of the learned character embeddings (with <see cref="CharacterFeatures"/>).</summary>
        [Range(8, 64, Defaults.CharacterEmbeddingSize, logBase: true)]
        public int CharacterEmbeddingSize { get; set; } = Defaults.CharacterEmbeddingSize;

        /// <summary>H_c, the hidden units of each direction of the character LSTM; each word gets 2 H_c features (with <see cref="CharacterFeatures"/>).</summary>
        [Range(8, 64, Defaults.CharacterHiddenSize, logBase: true)]
        public int CharacterHiddenSize { get; set; } = Defaults.CharacterHiddenSize;
    }
}
