using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.SequenceClassification;

public sealed partial class LstmSequenceClassifier
{
    public sealed partial class Options
    {
        /// <summary>
        /// The recipe that won on short texts (README, "Sequence classification": 2,400 labelled sentences, where it beat
        /// <c>FeaturizeText</c> + <c>SdcaMaximumEntropy</c> on accuracy and log-loss for each of three seeds): a
        /// bidirectional LSTM over the words with mean pooling and dropout 0.5, every word seen given its own embedding
        /// (<see cref="MinTokenCount"/> 1), rows cut to 60 words, at most 20 epochs, token dropout 0.1, embedding dropout
        /// 0.25, AdamW with decoupled weight decay 1, temperature scaling, and the bag of n-grams as side input. Every
        /// other option keeps its default (64 hidden units, 64-d embeddings, batches of 32, learning rate 0.002,
        /// 10 % validation rows, patience 3; the seed from the <c>MLContext</c>).
        /// <c>mlContext.Transforms.Recurrent.LstmTextClassifier</c> builds the columns this needs from one text
        /// column and uses these options by default; use them directly when the pipeline builds the columns itself.
        /// </summary>
        /// <param name="featureColumnName">The words as keys (<c>NormalizeText</c> without punctuation, <c>TokenizeIntoWords</c>, <c>MapValueToKey</c>).</param>
        /// <param name="sideColumnName">The n-gram counts: <c>FeaturizeText</c> with <c>Norm = None</c> (raw counts let the side weights grow within a few epochs).</param>
        /// <returns>New options; the label column is <see cref="Defaults.LabelColumnName"/>.</returns>
        public static Options ForShortText(string featureColumnName = Defaults.ShortTextFeatureColumnName, string sideColumnName = Defaults.ShortTextSideColumnName) => new()
        {
            FeatureColumnName = featureColumnName,
            SideColumnName = sideColumnName,
            Bidirectional = true,
            Pooling = SequencePoolingMode.Mean,
            Dropout = 0.5f,
            MinTokenCount = 1,
            Epochs = 20,
            MaxSequenceLength = 60,
            TokenDropout = 0.1f,
            EmbeddingDropout = 0.25f,
            Optimizer = OptimizerKind.AdamW,
            WeightDecay = 1,
            TemperatureScaling = true,
        };
    }
}
