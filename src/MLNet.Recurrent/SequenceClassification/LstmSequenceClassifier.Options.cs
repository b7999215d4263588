using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.SequenceClassification;

public sealed partial class LstmSequenceClassifier
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

        /// <summary>64 hidden units per direction and layer.</summary>
        public const int HiddenSize = 64;

        /// <summary>One recurrent layer.</summary>
        public const int Layers = 1;

        /// <summary>Forward direction only.</summary>
        public const bool Bidirectional = false;

        /// <summary>64-dimensional token embeddings.</summary>
        public const int EmbeddingSize = 64;

        /// <summary>No dropout.</summary>
        public const float Dropout = 0f;

        /// <summary>The mean of the hidden states over the valid steps.</summary>
        public const SequencePoolingMode Pooling = SequencePoolingMode.Mean;

        /// <summary>10 passes over the training rows.</summary>
        public const int Epochs = 10;

        /// <summary>32 rows per mini-batch.</summary>
        public const int BatchSize = 32;

        /// <summary>Adam.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;

        /// <summary>A learning rate of 0.002.</summary>
        public const double LearningRate = 2e-3;

        /// <summary>Gradients clipped to a global L2 norm of 5.</summary>
        public const double ClipNorm = 5;

        /// <summary>10% of the rows held out to measure validation loss and accuracy after each epoch.</summary>
        public const double ValidationFraction = 0.1;

        /// <summary>Stop after 3 epochs without a better validation loss.</summary>
        public const int Patience = 3;

        /// <summary>Tokens seen once in training share the unknown embedding.</summary>
        public const int MinTokenCount = 2;

        /// <summary>0: sequences are never truncated.</summary>
        public const int MaxSequenceLength = 0;

        /// <summary>No side input.</summary>
        public const string? SideColumnName = null;

        /// <summary>No token dropout.</summary>
        public const float TokenDropout = 0f;

        /// <summary>No embedding dropout.</summary>
        public const float EmbeddingDropout = 0f;

        /// <summary>No weight decay.</summary>
        public const double WeightDecay = 0;

        /// <summary>Probabilities are the network's softmax as trained (no temperature fitted).</summary>
        public const bool TemperatureScaling = false;

        /// <summary>No language model pretraining.</summary>
        public const int PretrainingEpochs = 0;

        /// <summary>The token column <see cref="Options.ForShortText"/> reads unless told otherwise: "Tokens".</summary>
        public const string ShortTextFeatureColumnName = "Tokens";

        /// <summary>The n-gram side-input column <see cref="Options.ForShortText"/> reads unless told otherwise: "NGrams".</summary>
        public const string ShortTextSideColumnName = "NGrams";
    }

    /// <summary>
    /// Options of <see cref="LstmSequenceClassifier"/>. Every property is settable and has a default (see
    /// <see cref="Defaults"/>), so the class also serves as a search space for hyper-parameter tuning. Seed, threads, progress and
    /// cancellation follow the rules of <see cref="RecurrentTrainerOptions"/>.
    /// </summary>
    public sealed partial class Options : RecurrentTrainerOptions
    {
        /// <summary>
        /// The label: a single key (from <c>MapValueToKey</c>; K classes, rows with the missing key are skipped)
        /// or a single Boolean (K = 2). A key label gives <c>Score</c> (a vector of K probabilities) and a key
        /// <c>PredictedLabel</c>; a Boolean label gives <c>Score</c> (the log-odds of true), <c>Probability</c>
        /// (of true) and a Boolean <c>PredictedLabel</c>. A key label may declare at most 65,536 classes.
        /// </summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>
        /// The sequences: a vector of keys (tokens from <c>TokenizeIntoWords</c> + <c>MapValueToKey</c>; the
        /// model learns an embedding per key, and the missing key or a key beyond those seen at training maps to
        /// one shared unknown embedding), or a vector of Single holding T frames of D features, D declared by the
        /// type <c>new VectorDataViewType(NumberDataViewType.Single, 0, D)</c> or given by <see cref="FrameSize"/>.
        /// A key column may declare at most 16,777,216 (2^24) keys.
        /// </summary>
        public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

        /// <summary>D, features per frame, for a feature column that is a plain Single vector; 0 takes D from the column's dimensions <c>[0, D]</c>.</summary>
        public int FrameSize { get; set; } = Defaults.FrameSize;

        /// <summary>The recurrent cell: <see cref="CellType.Lstm"/>, <see cref="CellType.Gru"/>, <see cref="CellType.RnnTanh"/> or <see cref="CellType.RnnRelu"/>.</summary>
        [Choice(new object[] { CellType.Lstm, CellType.Gru }, Defaults.Cell)]
        public CellType Cell { get; set; } = Defaults.Cell;

        /// <summary>H, hidden units of each direction of each layer.</summary>
        [Range(16, 256, Defaults.HiddenSize, logBase: true)]
        public int HiddenSize { get; set; } = Defaults.HiddenSize;

        /// <summary>Stacked recurrent layers.</summary>
        [Range(1, 3, Defaults.Layers)]
        public int Layers { get; set; } = Defaults.Layers;

        /// <summary>Whether each layer also reads the sequence backwards (the two directions' outputs are concatenated).</summary>
        [BooleanChoice(Defaults.Bidirectional)]
        public bool Bidirectional { get; set; } = Defaults.Bidirectional;

        /// <summary>E, the size of the learned token embeddings (token features only).</summary>
        [Range(16, 256, Defaults.EmbeddingSize, logBase: true)]
        public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

        /// <summary>Dropout between stacked layers and before the output layer during training, in [0, 1).</summary>
        [Range(0f, 0.6f, Defaults.Dropout)]
        public float Dropout { get; set; } = Defaults.Dropout;

        /// <summary>
        /// How the per-step hidden states become one summary: <see cref="SequencePoolingMode.Last"/> (the last valid
        /// step; for a bidirectional layer, the backward direction's state at step 0), <see cref="SequencePoolingMode.Mean"/>
        /// or <see cref="SequencePoolingMode.Max"/> (per feature, over the valid steps).
        /// </summary>
        [Choice(new object[] { SequencePoolingMode.Last, SequencePoolingMode.Mean, SequencePoolingMode.Max }, Defaults.Pooling)]
        public SequencePoolingMode Pooling { get; set; } = Defaults.Pooling;

        /// <summary>The most passes over the training rows.</summary>
        [Range(2, 40, Defaults.Epochs, logBase: true)]
        public int Epochs { get; set; } = Defaults.Epochs;

        /// <summary>Rows per mini-batch (rows of similar length are batched together).</summary>
        [Choice(new object[] { 16, 32, 64, 128 }, Defaults.BatchSize)]
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
        /// The fraction of training rows held out (a seeded draw) to measure loss and accuracy after every epoch,
        /// for the log and early stopping; in [0, 1). 0 trains on every row for exactly <see cref="Epochs"/> epochs.
        /// </summary>
        public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

        /// <summary>
        /// Stop after this many epochs without a lower validation loss, keeping the weights of the best epoch;
        /// 0 never stops early (the best epoch's weights are still kept).
        /// </summary>
        public int Patience { get; set; } = Defaults.Patience;

        /// <summary>
        /// Token keys seen fewer than this many times in the training rows get no embedding of their own: they
        /// share the unknown embedding with the missing key and with keys never seen, which is how that embedding
        /// learns what an unfamiliar word at prediction time should mean. 1 gives every key seen its own embedding.
        /// </summary>
        [Range(1, 3, Defaults.MinTokenCount)]
        public int MinTokenCount { get; set; } = Defaults.MinTokenCount;

        /// <summary>
        /// Rows longer than this many steps (tokens or frames) are cut to their first this-many steps, at training
        /// (the count is logged as a warning) and at prediction alike; 0 never truncates.
        /// </summary>
        public int MaxSequenceLength { get; set; } = Defaults.MaxSequenceLength;

        /// <summary>
        /// An optional side input joined with the pooled recurrent summary before the output layer: a column of numeric
        /// features per row, a single Single or a vector of Single of known size S (for example the output of
        /// <c>mlContext.Transforms.Text.FeaturizeText</c>, a sparse bag of word and character n-grams). It is mapped
        /// linearly onto the class scores (weights [S, K], starting at zero, trained with the rest), so the model is
        /// a linear model of these features plus what the recurrent network adds; sparse rows are read and
        /// multiplied as they are stored, never densified. The same column (same size) must be present at
        /// prediction. Null (the default) uses none.
        /// </summary>
        public string? SideColumnName { get; set; } = Defaults.SideColumnName;

        /// <summary>
        /// Token (word) dropout during training, in [0, 1): each token is replaced by the unknown token with this
        /// probability, so the model does not lean on single words and the unknown embedding learns what an
        /// unfamiliar word should mean. Never applied at prediction. Token features only.
        /// </summary>
        [Range(0f, 0.3f, Defaults.TokenDropout)]
        public float TokenDropout { get; set; } = Defaults.TokenDropout;

        /// <summary>Dropout on every element of the token embeddings during training, in [0, 1). Token features only.</summary>
        [Range(0f, 0.5f, Defaults.EmbeddingDropout)]
        public float EmbeddingDropout { get; set; } = Defaults.EmbeddingDropout;

        /// <summary>
        /// Weight decay, zero or positive: L2 regularisation for Adam, SGD, RMSProp and Adagrad, decoupled weight decay
        /// for AdamW (<see cref="OptimizerKind.AdamW"/>, where values around 0.01 to 0.1 are usual).
        /// </summary>
        [Range(0.0, 2.0, Defaults.WeightDecay)]
        public double WeightDecay { get; set; } = Defaults.WeightDecay;

        /// <summary>
        /// Fit temperature scaling after training: the one T that minimizes the log-loss of <c>softmax(logits / T)</c>
        /// on the validation rows (<see cref="ValidationFraction"/> must be positive), so predicted probabilities
        /// match how often the model is right; the predicted class never changes. T is saved with the model and
        /// logged.
        /// </summary>
        [BooleanChoice(Defaults.TemperatureScaling)]
        public bool TemperatureScaling { get; set; } = Defaults.TemperatureScaling;

        /// <summary>
        /// Transfer from unlabelled text (token features only): the most epochs for which the embedding and recurrent
        /// layers are first trained as a next-token language model on the training rows' token sequences and the rows
        /// of <see cref="PretrainingData"/>, before the classifier is trained on the labels from those weights. A
        /// bidirectional classifier gets layer 0 of both directions (the reverse one from a second model reading the
        /// rows backwards); a unidirectional one every layer. The language model uses <see cref="BatchSize"/>,
        /// <see cref="Optimizer"/>, <see cref="LearningRate"/>, <see cref="ClipNorm"/>,
        /// <see cref="ValidationFraction"/> and <see cref="Patience"/>, without weight decay; its held-out next-token losses
        /// before and after are logged.
        /// 0 (the default) pretrains nothing.
        /// </summary>
        [Range(0, 10, Defaults.PretrainingEpochs)]
        public int PretrainingEpochs { get; set; } = Defaults.PretrainingEpochs;

        /// <summary>
        /// Optional unlabelled text for <see cref="PretrainingEpochs"/>: a view with the feature column
        /// (<see cref="FeatureColumnName"/>) holding keys of the same vocabulary as the training rows (map it with the
        /// same fitted <c>MapValueToKey</c>); its rows are added to the training rows' sequences for the language
        /// model only. Keys the training rows do not keep share the unknown token. Null (the default): the training
        /// rows alone.
        /// </summary>
        public Microsoft.ML.IDataView? PretrainingData { get; set; }
    }
}
