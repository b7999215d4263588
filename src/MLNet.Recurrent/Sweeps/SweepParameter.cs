using System.Globalization;
using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// One option of a <see cref="SweepSearchSpace{TOptions}"/>: its name, its type and the values a sweep draws for it,
/// read from the option's <c>Microsoft.ML.SearchSpace</c> attribute or set by an override.
/// </summary>
public sealed class SweepParameter
{
    private readonly object[] _choices;

    private SweepParameter(string name, Type valueType, SweepParameterKind kind, double? min, double? max, bool logScale, object[] choices, object? @default)
    {
        Name = name;
        ValueType = valueType;
        Kind = kind;
        Min = min;
        Max = max;
        LogScale = logScale;
        _choices = choices;
        Default = @default;
    }

    /// <summary>The option's property name, e.g. "HiddenSize".</summary>
    public string Name { get; }

    /// <summary>The option's type: int, long, float, double, bool or an enum.</summary>
    public Type ValueType { get; }

    /// <summary>How values are drawn.</summary>
    public SweepParameterKind Kind { get; }

    /// <summary>The smallest value of a <see cref="SweepParameterKind.Range"/>; null for the other kinds.</summary>
    public double? Min { get; }

    /// <summary>The largest value of a <see cref="SweepParameterKind.Range"/> (included); null for the other kinds.</summary>
    public double? Max { get; }

    /// <summary>Whether a range is drawn uniformly in its logarithm (learning rates, ridge penalties, sizes).</summary>
    public bool LogScale { get; }

    /// <summary>The candidates of a <see cref="SweepParameterKind.Choice"/>, each of <see cref="ValueType"/>; empty for the other kinds.</summary>
    public IReadOnlyList<object> Choices => _choices;

    /// <summary>The attribute's initial value, or the value of a <see cref="SweepParameterKind.Fixed"/> option; null when none was given.</summary>
    public object? Default { get; }

    /// <summary>A range from <paramref name="min"/> to <paramref name="max"/>, checked against <paramref name="valueType"/>.</summary>
    internal static SweepParameter Range(string name, Type valueType, double min, double max, bool logScale, object? @default)
    {
        if (!SweepValues.IsNumeric(valueType))
            throw new ArgumentException($"'{name}' is a {SweepValues.Describe(valueType)}; a range needs an int, long, float or double option (use a choice).", name);
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new ArgumentOutOfRangeException(name, $"The range of '{name}' was [{F(min)}, {F(max)}]; it must be finite with min <= max.");
        if (logScale && min <= 0)
            throw new ArgumentOutOfRangeException(name, $"The log-scale range of '{name}' started at {F(min)}; a log scale needs min > 0.");
        if (SweepValues.IsWhole(valueType) && (min != Math.Floor(min) || max != Math.Floor(max)))
            throw new ArgumentOutOfRangeException(name, $"The range of '{name}' was [{F(min)}, {F(max)}]; '{name}' is a {valueType.Name}, so both ends must be whole numbers.");
        object? init = @default is null ? null : SweepValues.Convert(@default, valueType, name);
        return new SweepParameter(name, valueType, SweepParameterKind.Range, min, max, logScale, [], init);
    }

    /// <summary>A choice among <paramref name="candidates"/>, each converted to <paramref name="valueType"/>.</summary>
    internal static SweepParameter Choice(string name, Type valueType, IEnumerable<object?> candidates, object? @default)
    {
        object[] values = candidates.Select(c => SweepValues.Convert(c, valueType, name)).Distinct().ToArray();
        if (values.Length == 0) throw new ArgumentException($"'{name}' was given no choices; give at least one value.", name);
        object? init = @default is null ? null : SweepValues.Convert(@default, valueType, name);
        return new SweepParameter(name, valueType, SweepParameterKind.Choice, null, null, false, values, init);
    }

    /// <summary>An option held at <paramref name="value"/>.</summary>
    internal static SweepParameter Fixed(string name, Type valueType, object? value) =>
        new(name, valueType, SweepParameterKind.Fixed, null, null, false, [], SweepValues.Convert(value, valueType, name));

    /// <summary>Draws a value of <see cref="ValueType"/> from <paramref name="random"/> (one or two draws per call, always the same count for a kind).</summary>
    internal object Sample(Random random)
    {
        switch (Kind)
        {
            case SweepParameterKind.Fixed:
                return Default!;
            case SweepParameterKind.Choice:
                return _choices[random.Next(_choices.Length)];
        }
        double min = Min!.Value, max = Max!.Value, u = random.NextDouble();
        if (SweepValues.IsWhole(ValueType))
        {
            // Whole numbers: each integer of [min, max] owns an equal interval (of the logarithm, on a log scale).
            double upper = max + 1;
            double x = LogScale ? Math.Exp(Math.Log(min) + u * (Math.Log(upper) - Math.Log(min))) : min + u * (upper - min);
            double whole = Math.Min(Math.Floor(x), max);
            return SweepValues.Convert(whole, ValueType, Name);
        }
        double v = LogScale ? Math.Exp(Math.Log(min) + u * (Math.Log(max) - Math.Log(min))) : min + u * (max - min);
        return SweepValues.Convert(Math.Clamp(v, min, max), ValueType, Name);
    }

    /// <summary>E.g. "HiddenSize: Int32 in [16, 256], log scale" or "Cell: one of Lstm, Gru".</summary>
    public override string ToString() => Kind switch
    {
        SweepParameterKind.Range => $"{Name}: {ValueType.Name} in [{F(Min!.Value)}, {F(Max!.Value)}]{(LogScale ? ", log scale" : "")}",
        SweepParameterKind.Choice => $"{Name}: one of {string.Join(", ", _choices.Select(SweepValues.Format))}",
        _ => $"{Name}: fixed at {SweepValues.Format(Default)}",
    };

    private static string F(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
