using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// What a sweep optimizes: a name, a direction and how to compute it from the validation rows as the fitted pipeline
/// transformed them. Use the factories (<see cref="Accuracy"/>, <see cref="MacroF1"/>, <see cref="LogLoss"/>,
/// <see cref="BitsPerCharacter"/>, <see cref="Bleu"/>) or <see cref="Custom"/>.
/// </summary>
public sealed class SweepMetric
{
    private readonly Func<MLContext, IDataView, double> _evaluate;

    private SweepMetric(string name, SweepDirection direction, Func<MLContext, IDataView, double> evaluate)
    {
        Name = name;
        Direction = direction;
        _evaluate = evaluate;
    }

    /// <summary>The metric's name, as tables head its column.</summary>
    public string Name { get; }

    /// <summary>Whether larger or smaller is better.</summary>
    public SweepDirection Direction { get; }

    /// <summary>Computes the metric from transformed validation rows.</summary>
    /// <param name="mlContext">The experiment's context.</param>
    /// <param name="scored">The validation rows after the fitted pipeline's <c>Transform</c>.</param>
    public double Evaluate(MLContext mlContext, IDataView scored) => _evaluate(mlContext, scored);

    /// <summary>Whether <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/> in this direction.</summary>
    public bool IsBetter(double candidate, double incumbent) =>
        Direction == SweepDirection.Maximize ? candidate > incumbent : candidate < incumbent;

    /// <summary>
    /// Micro accuracy of a classifier's output: <c>Score</c>/<c>PredictedLabel</c> against a key label (multiclass,
    /// <c>MulticlassClassification.Evaluate</c>) or a Boolean label (<c>BinaryClassification.Evaluate</c>). Maximized.
    /// </summary>
    /// <param name="labelColumnName">The label column.</param>
    public static SweepMetric Accuracy(string labelColumnName = "Label") =>
        new("accuracy", SweepDirection.Maximize, (ml, scored) => Classification(ml, scored, labelColumnName).Accuracy);

    /// <summary>The mean over classes of 2PR / (P + R), from the classifier's confusion matrix. Maximized.</summary>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    public static SweepMetric MacroF1(string labelColumnName = "Label") =>
        new("macro-F1", SweepDirection.Maximize, (ml, scored) => Classification(ml, scored, labelColumnName).MacroF1);

    /// <summary>Mean negative natural log of the true class's probability. Minimized.</summary>
    /// <param name="labelColumnName">The label column (key or Boolean).</param>
    public static SweepMetric LogLoss(string labelColumnName = "Label") =>
        new("log-loss", SweepDirection.Minimize, (ml, scored) => Classification(ml, scored, labelColumnName).LogLoss);

    /// <summary>
    /// Bits per character of a character language model over the validation text: the summed negative
    /// <c>LogLikelihood</c> column over ln 2, divided by the summed length of <paramref name="textColumnName"/>
    /// (the model scores every character of a row). Minimized.
    /// </summary>
    /// <param name="textColumnName">The text column the model scored.</param>
    public static SweepMetric BitsPerCharacter(string textColumnName = "Text") =>
        new("bits/char", SweepDirection.Minimize, (_, scored) => BitsPerChar(scored, textColumnName));

    /// <summary>Corpus BLEU (0-100) of a translator's output against references, as <c>EvaluateTranslation</c> computes it. Maximized.</summary>
    /// <param name="referenceColumnName">The reference translation (text).</param>
    /// <param name="translationColumnName">The translator's output column.</param>
    public static SweepMetric Bleu(string referenceColumnName, string translationColumnName = "Translation") =>
        new("BLEU", SweepDirection.Maximize, (ml, scored) =>
            ml.Transforms.Recurrent.EvaluateTranslation(scored, referenceColumnName, translationColumnName).Bleu.Score);

    /// <summary>Any figure computed from the transformed validation rows.</summary>
    /// <param name="name">The name tables show.</param>
    /// <param name="direction">Whether larger or smaller is better.</param>
    /// <param name="evaluate">Computes the figure from the context and the transformed validation rows.</param>
    public static SweepMetric Custom(string name, SweepDirection direction, Func<MLContext, IDataView, double> evaluate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(evaluate);
        if (!Enum.IsDefined(direction)) throw new ArgumentOutOfRangeException(nameof(direction), direction, "'direction' must be Maximize or Minimize.");
        return new(name, direction, evaluate);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({(Direction == SweepDirection.Maximize ? "maximized" : "minimized")})";

    private static (double Accuracy, double MacroF1, double LogLoss) Classification(MLContext ml, IDataView scored, string label)
    {
        DataViewSchema.Column? column = scored.Schema.GetColumnOrNull(label);
        if (column is null)
            throw new ArgumentException($"The sweep metric reads the label column '{label}', which the scored data lacks; it has: {string.Join(", ", scored.Schema.Select(c => c.Name))}.");
        if (column.Value.Type is BooleanDataViewType)
        {
            CalibratedBinaryClassificationMetrics binary = ml.BinaryClassification.Evaluate(scored, label);
            return (binary.Accuracy, MeanF1(binary.ConfusionMatrix), binary.LogLoss);
        }
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored, label);
        return (metrics.MicroAccuracy, MeanF1(metrics.ConfusionMatrix), metrics.LogLoss);
    }

    private static double MeanF1(ConfusionMatrix matrix)
    {
        IReadOnlyList<double> precision = matrix.PerClassPrecision, recall = matrix.PerClassRecall;
        return Enumerable.Range(0, precision.Count)
            .Average(c => precision[c] + recall[c] > 0 ? 2 * precision[c] * recall[c] / (precision[c] + recall[c]) : 0);
    }

    private static double BitsPerChar(IDataView scored, string textColumnName)
    {
        const string ll = LanguageModel.CharLanguageModelTransformer.LogLikelihoodColumnName;
        DataViewSchema.Column text = scored.Schema.GetColumnOrNull(textColumnName)
            ?? throw new ArgumentException($"The bits/char metric reads the text column '{textColumnName}', which the scored data lacks.");
        DataViewSchema.Column logLikelihood = scored.Schema.GetColumnOrNull(ll)
            ?? throw new ArgumentException($"The bits/char metric reads the '{ll}' column of a character language model, which the scored data lacks.");
        double nats = 0;
        long chars = 0;
        using DataViewRowCursor cursor = scored.GetRowCursor([text, logLikelihood]);
        ValueGetter<ReadOnlyMemory<char>> getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        ValueGetter<float> getLogLikelihood = cursor.GetGetter<float>(logLikelihood);
        ReadOnlyMemory<char> value = default;
        float row = 0;
        while (cursor.MoveNext())
        {
            getText(ref value);
            getLogLikelihood(ref row);
            nats -= row;
            chars += value.Length;
        }
        if (chars == 0) throw new ArgumentException($"The bits/char metric found no text in column '{textColumnName}' of the validation rows.");
        return nats / Math.Log(2) / chars;
    }
}
