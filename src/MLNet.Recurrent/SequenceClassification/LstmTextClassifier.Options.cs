using Microsoft.ML.Transforms.Text;

namespace MLNet.Recurrent.SequenceClassification;

public sealed partial class LstmTextClassifier
{
    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments.</summary>
    public static class Defaults
    {
        /// <summary>The label column: "Label".</summary>
        public const string LabelColumnName = "Label";

        /// <summary>The text column: "Text".</summary>
        public const string TextColumnName = "Text";
    }

    /// <summary>
    /// Options of <see cref="LstmTextClassifier"/>: the two input columns, the classifier's options (by default the
    /// short-text recipe, <see cref="LstmSequenceClassifier.Options.ForShortText"/>) and the n-gram features'.
    /// </summary>
    public sealed class Options
    {
        /// <summary>
        /// The label: a single String (the class names; mapped to keys in place, so the output's label column is a key
        /// for <c>MulticlassClassification.Evaluate</c>), a single key (used as it is) or a single Boolean (a binary
        /// classifier, for <c>BinaryClassification.Evaluate</c>).
        /// </summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>The text to classify: a single String.</summary>
        public string TextColumnName { get; set; } = Defaults.TextColumnName;

        /// <summary>
        /// The recurrent classifier's options; by default <see cref="LstmSequenceClassifier.Options.ForShortText"/>
        /// with the seed drawn from the <c>MLContext</c>. <see cref="LstmTextClassifier"/> sets their
        /// <see cref="LstmSequenceClassifier.Options.LabelColumnName"/>, <see cref="LstmSequenceClassifier.Options.FeatureColumnName"/>
        /// and <see cref="LstmSequenceClassifier.Options.SideColumnName"/> to the columns it builds: leave those as
        /// <see cref="LstmSequenceClassifier.Options.ForShortText"/> gives them (any other value is refused with an error
        /// naming the option). <see cref="LstmSequenceClassifier.Options.PretrainingData"/> cannot be given here (it
        /// would have to hold keys of a vocabulary that exists only after <c>Fit</c>); pretraining on the training
        /// rows alone (<see cref="LstmSequenceClassifier.Options.PretrainingEpochs"/>) works.
        /// </summary>
        public LstmSequenceClassifier.Options Classifier { get; set; } = LstmSequenceClassifier.Options.ForShortText();

        /// <summary>
        /// How <c>FeaturizeText</c> makes the side input's bag of word and character n-grams; by default ML.NET's
        /// n-grams with <c>Norm = None</c> (raw counts, as the recipe was tuned with).
        /// </summary>
        public TextFeaturizingEstimator.Options NGrams { get; set; } = new() { Norm = TextFeaturizingEstimator.NormFunction.None };
    }
}
