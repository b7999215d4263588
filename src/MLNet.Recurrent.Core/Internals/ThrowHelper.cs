using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MLNet.Recurrent.Core.Internals;

/// <summary>
/// The one place that builds the engine's error messages, so every message quotes the offending
/// name and value and says what was expected: <c>'hiddenSize' was 0; it must be positive.</c>
/// </summary>
internal static class ThrowHelper
{
    /// <summary>Formats a value for a message: strings quoted, floats round-trippable, invariant culture.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/>: "'name' was value; expectation."</summary>
    [DoesNotReturn]
    public static void OutOfRange(string name, object? value, string expectation) =>
        throw new ArgumentOutOfRangeException(name, $"'{name}' was {Show(value)}; {expectation}.");

    /// <summary>Throws <see cref="ArgumentException"/>: "'name' was value; expectation."</summary>
    [DoesNotReturn]
    public static void Argument(string name, object? value, string expectation) =>
        throw new ArgumentException($"'{name}' was {Show(value)}; {expectation}.", name);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the given message.</summary>
    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    /// <summary>Requires <paramref name="value"/> &gt; 0.</summary>
    public static void ThrowIfNotPositive(int value, string name)
    {
        if (value <= 0) OutOfRange(name, value, "it must be positive");
    }

    /// <summary>Requires <paramref name="value"/> &gt;= 0.</summary>
    public static void ThrowIfNegative(int value, string name)
    {
        if (value < 0) OutOfRange(name, value, "it must be zero or positive");
    }

    /// <summary>Requires <paramref name="value"/> &lt;= <paramref name="limit"/>, a documented limit named <paramref name="limitName"/>.</summary>
    public static void ThrowIfAboveLimit(int value, int limit, string name, string limitName)
    {
        if (value > limit) OutOfRange(name, value, $"it must be at most {limit} ({limitName})");
    }

    /// <summary>Requires a span to hold at least <paramref name="required"/> elements.</summary>
    public static void ThrowIfTooShort(int length, long required, string name)
    {
        if (length < required) Argument(name, $"length {length}", $"it must hold at least {required} elements");
    }

    /// <summary>Requires a finite <paramref name="value"/> &gt;= 0 (hyperparameters such as rates and decays).</summary>
    public static void ThrowIfNegativeOrNotFinite(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) OutOfRange(name, value, "it must be a finite number, zero or positive");
    }

    /// <summary>Throws <see cref="InvalidDataException"/>: "what was found; expectation." (corrupt or foreign files).</summary>
    [DoesNotReturn]
    public static void InvalidData(string what, object? found, string expectation) =>
        throw new InvalidDataException($"{char.ToUpperInvariant(what[0])}{what[1..]} was {Show(found)}; {expectation}.");
}
