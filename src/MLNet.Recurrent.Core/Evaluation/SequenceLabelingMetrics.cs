namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>Sequence-labelling figures over real steps (padding never counts), on the 0-1 scale.</summary>
/// <param name="TokenAccuracy">Correctly labelled steps over all steps (0 when there are none).</param>
/// <param name="MacroF1">The mean F1 over the classes that occur in the gold or the predicted labels (scikit-learn's f1_score(average='macro') with its default labels).</param>
/// <param name="PerClass">Precision, recall, F1 and support of every class, by class id.</param>
/// <param name="Confusion">The confusion matrix, rows gold, columns predicted.</param>
/// <param name="Spans">Span-level figures for BIO tags by the CoNLL rule; <see langword="null"/> when the labels are not BIO tags or span scoring was turned off.</param>
/// <param name="Steps">The number of real steps counted.</param>
/// <param name="Sequences">The number of sequences counted.</param>
public sealed record SequenceLabelingMetrics(
    double TokenAccuracy, double MacroF1, IReadOnlyList<ClassMetrics> PerClass, LabelConfusionMatrix Confusion,
    SpanMetrics? Spans, long Steps, long Sequences);
