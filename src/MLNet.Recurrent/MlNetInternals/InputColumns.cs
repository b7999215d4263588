using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Finds a component's input column and checks its type, throwing a message that names the column, its type
/// and what was expected: <c>Column 'Features' has type Vector&lt;String&gt;; NormalizeFrames expects a vector of Single ...</c>
/// </summary>
internal static class InputColumns
{
    /// <summary>Transformer time: returns the column or throws.</summary>
    /// <param name="schema">The input schema.</param>
    /// <param name="component">The component's name as users know it (the catalog method), for messages.</param>
    /// <param name="column">The column name.</param>
    /// <param name="expected">What the column must be.</param>
    public static DataViewSchema.Column Require(DataViewSchema schema, string component, string column, ColumnExpectation expected)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.GetColumnOrNull(column) is not { } found)
        {
            ThrowHelper.ColumnNotFound(component, column, expected.Description, schema.Where(c => !c.IsHidden).Select(c => c.Name));
            return default;
        }
        if (!expected.Matches(found.Type))
            ThrowHelper.ColumnType(component, column, ThrowHelper.Describe(found.Type), expected.Description);
        return found;
    }

    /// <summary>Estimator time: returns the column shape or throws.</summary>
    /// <param name="schema">The input schema shape.</param>
    /// <param name="component">The component's name as users know it (the catalog method), for messages.</param>
    /// <param name="column">The column name.</param>
    /// <param name="expected">What the column must be.</param>
    public static SchemaShape.Column Require(SchemaShape schema, string component, string column, ColumnExpectation expected)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!schema.TryFindColumn(column, out SchemaShape.Column found))
            ThrowHelper.ColumnNotFound(component, column, expected.Description, schema.Select(c => c.Name));
        if (!expected.Matches(found))
            ThrowHelper.ColumnType(component, column, ThrowHelper.Describe(found), expected.Description);
        return found;
    }
}
