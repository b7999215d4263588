using System.Globalization;

namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>Turns attribute arguments and override values into an option's own type, and formats values for tables.</summary>
internal static class SweepValues
{
    /// <summary>Whether <paramref name="type"/> is a number type a range can be drawn for.</summary>
    public static bool IsNumeric(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(float) || type == typeof(double);

    /// <summary>Whether <paramref name="type"/> holds whole numbers.</summary>
    public static bool IsWhole(Type type) => type == typeof(int) || type == typeof(long);

    /// <summary>
    /// <paramref name="value"/> as a <paramref name="type"/>: enums from a value of the enum or its name, numbers from
    /// any number (whole types only from whole values), Booleans from a Boolean or "true"/"false".
    /// </summary>
    /// <exception cref="ArgumentException">The value cannot be one of <paramref name="type"/>; the message names <paramref name="name"/>.</exception>
    public static object Convert(object? value, Type type, string name)
    {
        if (value is null) throw Wrong(name, value, type);
        if (type.IsInstanceOfType(value)) return value;
        if (type.IsEnum)
        {
            if (value is string text && Enum.TryParse(type, text, ignoreCase: true, out object? parsed) && Enum.IsDefined(type, parsed!)) return parsed!;
            throw Wrong(name, value, type);
        }
        if (type == typeof(bool))
        {
            if (value is string s && bool.TryParse(s, out bool b)) return b;
            throw Wrong(name, value, type);
        }
        if (IsNumeric(type) && ToDouble(value) is double d && double.IsFinite(d))
        {
            if (type == typeof(double)) return d;
            if (type == typeof(float)) return (float)d;
            if (d != Math.Floor(d)) throw Wrong(name, value, type);
            if (type == typeof(int) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
            if (type == typeof(long) && d is >= long.MinValue and <= long.MaxValue) return (long)d;
        }
        throw Wrong(name, value, type);
    }

    /// <summary><paramref name="value"/> as a double when it is a number (or a number's invariant text), else null.</summary>
    public static double? ToDouble(object value) => value switch
    {
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null,
        Enum or bool => null,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A value as tables show it: numbers with four significant digits, invariant culture.</summary>
    public static string Format(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static ArgumentException Wrong(string name, object? value, Type type) =>
        new($"'{name}' cannot take {Format(value)} ({value?.GetType().Name ?? "null"}); it expects a {Describe(type)}.", name);

    /// <summary>A type as messages name it: "Int32", or "CellType (Lstm, Gru, ...)" for an enum.</summary>
    public static string Describe(Type type) =>
        type.IsEnum ? $"{type.Name} ({string.Join(", ", Enum.GetNames(type))})" : type.Name;
}
