namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>One class's figures over real steps, on the 0-1 scale; a ratio with a zero denominator is 0 (scikit-learn's zero_division=0).</summary>
/// <param name="Class">The class id.</param>
/// <param name="Name">The class name (its id as text when no names were given).</param>
/// <param name="Precision">Correct predictions of the class over all predictions of it.</param>
/// <param name="Recall">Correct predictions of the class over its gold steps.</param>
/// <param name="F1">The harmonic mean of precision and recall: 2 tp / (support + predicted).</param>
/// <param name="Support">Gold steps of the class.</param>
/// <param name="Predicted">Steps predicted as the class.</param>
public sealed record ClassMetrics(int Class, string Name, double Precision, double Recall, double F1, long Support, long Predicted);
