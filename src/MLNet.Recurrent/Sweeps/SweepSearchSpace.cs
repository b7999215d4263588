using System.Reflection;
using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Sweeps.Internals;

namespace MLNet.Recurrent.Sweeps;

/// <summary>
/// The options a sweep searches, read from the <c>Microsoft.ML.SearchSpace</c> attributes on <typeparamref name="TOptions"/>'s
/// properties (<see cref="RangeAttribute"/>, <see cref="ChoiceAttribute"/>, <see cref="BooleanChoiceAttribute"/>), with
/// overrides: <see cref="Fix"/> a value, <see cref="SetRange"/> to narrow or widen a range (or search an option that has
/// no attribute), <see cref="SetChoices"/> to replace or add choices, <see cref="Remove"/> to leave an option alone.
/// Options not in the space keep the value of the experiment's base options.
/// </summary>
/// <typeparam name="TOptions">The component's options, e.g. <c>LstmSequenceClassifier.Options</c>.</typeparam>
public sealed class SweepSearchSpace<TOptions> where TOptions : class, new()
{
    private readonly List<SweepParameter> _parameters = [];
    private readonly Dictionary<string, PropertyInfo> _properties;

    /// <summary>Reads the attributes of <typeparamref name="TOptions"/>; properties are kept in declaration order.</summary>
    public SweepSearchSpace()
    {
        _properties = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (PropertyInfo property in _properties.Values.OrderBy(p => p.MetadataToken))
            if (FromAttribute(property) is { } parameter) _parameters.Add(parameter);
    }

    /// <summary>The options searched, in declaration order (overrides of options without an attribute come last).</summary>
    public IReadOnlyList<SweepParameter> Parameters => _parameters;

    /// <summary>The parameter named <paramref name="name"/>, or null when that option is not searched.</summary>
    public SweepParameter? this[string name] => _parameters.Find(p => p.Name == name);

    /// <summary>Holds <paramref name="name"/> at <paramref name="value"/> in every trial.</summary>
    /// <param name="name">The option's property name, e.g. <c>nameof(Options.Cell)</c>.</param>
    /// <param name="value">A value of the option's type (an enum may be given by name; a number by any number type).</param>
    /// <returns>This search space.</returns>
    public SweepSearchSpace<TOptions> Fix(string name, object value) => Set(SweepParameter.Fixed(name, Property(name).PropertyType, value));

    /// <summary>Draws <paramref name="name"/> from [<paramref name="min"/>, <paramref name="max"/>] (both included).</summary>
    /// <param name="name">The option's property name; an int, long, float or double option.</param>
    /// <param name="min">The smallest value; positive on a log scale, whole for an int or long option.</param>
    /// <param name="max">The largest value, at least <paramref name="min"/>.</param>
    /// <param name="logScale">Draw uniformly in the logarithm (learning rates, penalties, sizes).</param>
    /// <returns>This search space.</returns>
    public SweepSearchSpace<TOptions> SetRange(string name, double min, double max, bool logScale = false) =>
        Set(SweepParameter.Range(name, Property(name).PropertyType, min, max, logScale, null));

    /// <summary>Draws <paramref name="name"/> from <paramref name="values"/>, each equally likely.</summary>
    /// <param name="name">The option's property name.</param>
    /// <param name="values">The candidates, of the option's type (an enum may be given by name).</param>
    /// <returns>This search space.</returns>
    public SweepSearchSpace<TOptions> SetChoices(string name, params object[] values) =>
        Set(SweepParameter.Choice(name, Property(name).PropertyType, values, null));

    /// <summary>Stops searching <paramref name="name"/>: trials keep the base options' value.</summary>
    /// <param name="name">The option's property name.</param>
    /// <returns>This search space.</returns>
    public SweepSearchSpace<TOptions> Remove(string name)
    {
        Property(name);
        _parameters.RemoveAll(p => p.Name == name);
        return this;
    }

    /// <summary>The property behind <paramref name="name"/>.</summary>
    internal PropertyInfo Property(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_properties.TryGetValue(name, out PropertyInfo? property)) return property;
        throw new ArgumentException(
            $"'{name}' is not a settable property of {OptionsName}; expected one of: {string.Join(", ", _properties.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
    }

    /// <summary>The options' type as messages name it, e.g. "LstmSequenceClassifier.Options".</summary>
    internal static string OptionsName =>
        typeof(TOptions).DeclaringType is { } outer ? $"{outer.Name}.{typeof(TOptions).Name}" : typeof(TOptions).Name;

    private SweepSearchSpace<TOptions> Set(SweepParameter parameter)
    {
        int at = _parameters.FindIndex(p => p.Name == parameter.Name);
        if (at >= 0) _parameters[at] = parameter;
        else _parameters.Add(parameter);
        return this;
    }

    private static SweepParameter? FromAttribute(PropertyInfo property)
    {
        string name = property.Name;
        Type type = property.PropertyType;
        try
        {
            if (property.GetCustomAttribute<RangeAttribute>() is { } range)
                return SweepParameter.Range(name, type, System.Convert.ToDouble(range.Min, System.Globalization.CultureInfo.InvariantCulture),
                    System.Convert.ToDouble(range.Max, System.Globalization.CultureInfo.InvariantCulture), range.LogBase, range.Init);
            if (property.GetCustomAttribute<ChoiceAttribute>() is { } choice)
                return SweepParameter.Choice(name, type, choice.Candidates, choice.DefaultValue);
            if (property.GetCustomAttribute<BooleanChoiceAttribute>() is { } boolean)
                return SweepParameter.Choice(name, type, [true, false], boolean.DefaultValue);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The search-space attribute on {OptionsName}.{name} does not fit the option: {e.Message}", e);
        }
        return null;
    }
}
