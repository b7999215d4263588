using System.Diagnostics.CodeAnalysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Show = MLNet.Recurrent.Core.Internals.ThrowHelper;

namespace MLNet.Recurrent.Internals;

/// <summary>
/// The one place that builds the ML.NET layer's error messages. Schema messages name the column, its type
/// and what the component expected, the way the engine's messages quote the offending name and value.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>Throws: the column is missing from the input.</summary>
    [DoesNotReturn]
    public static void ColumnNotFound(string component, string column, string expected, IEnumerable<string> present) =>
        throw new ArgumentOutOfRangeException("inputSchema",
            $"Column '{column}' was not found in the input; {component} expects it to be {expected}. " +
            $"Columns present: {string.Join(", ", present.Select(n => $"'{n}'"))}.");

    /// <summary>Throws: the column has the wrong type.</summary>
    [DoesNotReturn]
    public static void ColumnType(string component, string column, string actualType, string expected) =>
        throw new ArgumentOutOfRangeException("inputSchema",
            $"Column '{column}' has type {actualType}; {component} expects {expected}.");

    /// <summary>Throws: the input already has a column the component writes for its own use and then drops.</summary>
    [DoesNotReturn]
    public static void ColumnTaken(string component, string column, string use) =>
        throw new ArgumentOutOfRangeException("inputSchema",
            $"Column '{column}' is already in the input; {component} {use}, so it would overwrite that column and drop it: rename it.");

    /// <summary>Throws: a row holds a value the component cannot use.</summary>
    [DoesNotReturn]
    public static void RowValue(string column, long row, string problem) =>
        throw new InvalidOperationException($"Column '{column}', row {row}: {problem}.");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/>: "'name' was value; expectation."</summary>
    [DoesNotReturn]
    public static void OutOfRange(string name, object? value, string expectation) =>
        throw new ArgumentOutOfRangeException(name, $"'{name}' was {Show.Show(value)}; {expectation}.");

    /// <summary>Throws <see cref="InvalidDataException"/> for a saved model that cannot be read.</summary>
    [DoesNotReturn]
    public static void BadModel(string component, string problem) =>
        throw new InvalidDataException($"The saved {component} model cannot be read: {problem}.");

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> when a saved model holds more than a documented limit allows
    /// (<c>RecurrentLimits</c>): "the "classes" vocabulary holds 70000 entries; at most 65536 (RecurrentLimits.MaxClassCount)".
    /// </summary>
    public static void IfLoadedAboveLimit(string component, string what, long count, int limit, string limitName)
    {
        if (count > limit) BadModel(component, $"{what} holds {count} entries; a model may hold at most {limit} ({limitName})");
    }

    /// <summary>How a column type reads in messages: <c>Vector&lt;Single, 0, 3&gt;</c> shows its dimensions.</summary>
    public static string Describe(DataViewType type) => DescribeCore(type) ?? "an unnamed type";

    private static string? DescribeCore(DataViewType type) =>
        type is VectorDataViewType { Dimensions.Length: > 1 } v
            ? $"Vector<{v.ItemType}, {string.Join(", ", v.Dimensions)}>"
            : type.ToString();

    /// <summary>How an estimator-time column shape reads in messages.</summary>
    public static string Describe(SchemaShape.Column column) => column.GetTypeString();
}
