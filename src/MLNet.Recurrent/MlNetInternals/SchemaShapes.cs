using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Builds the <see cref="SchemaShape.Column"/>s an estimator's <c>GetOutputSchema</c> declares (ML.NET keeps
/// that constructor internal). Declare <c>KeyValues</c> on a predicted key and <c>SlotNames</c> on a score
/// vector: a downstream <c>MapKeyToValue</c> or evaluator checks for them at fit time.
/// </summary>
internal static class SchemaShapes
{
    /// <summary>The estimator-time view of a schema (ML.NET keeps <c>SchemaShape.Create</c> internal).</summary>
    public static SchemaShape Create(DataViewSchema schema) => SchemaShape.Create(schema);

    /// <summary>The shape of a concrete output column (kind, item type, key-ness and annotation kinds).</summary>
    public static SchemaShape.Column Of(DataViewSchema.DetachedColumn column) =>
        Of(column.Name, column.Type, column.Annotations.Schema.Select(a => (a.Name, a.Type)));

    /// <summary>A single value of <paramref name="itemType"/> (a <see cref="KeyDataViewType"/> makes a key column).</summary>
    public static SchemaShape.Column Scalar(string name, PrimitiveDataViewType itemType, bool keyValues = false) =>
        Make(name, SchemaShape.Column.VectorKind.Scalar, itemType, slotNames: false, keyValues);

    /// <summary>A vector of <paramref name="itemType"/>, of known or variable length.</summary>
    public static SchemaShape.Column Vector(string name, PrimitiveDataViewType itemType, bool variableLength, bool slotNames = false, bool keyValues = false) =>
        Make(name, variableLength ? SchemaShape.Column.VectorKind.VariableVector : SchemaShape.Column.VectorKind.Vector, itemType, slotNames, keyValues);

    /// <summary>The shape of a column copied from the input (same type and annotation kinds, new name).</summary>
    public static SchemaShape.Column Renamed(SchemaShape.Column column, string name) =>
        new(name, column.Kind, column.ItemType, column.IsKey, column.Annotations);

    private static SchemaShape.Column Make(string name, SchemaShape.Column.VectorKind kind, PrimitiveDataViewType itemType, bool slotNames, bool keyValues)
    {
        var annotations = new List<SchemaShape.Column>();
        if (slotNames) annotations.Add(TextVector(AnnotationNames.SlotNames));
        if (keyValues) annotations.Add(TextVector(AnnotationNames.KeyValues));
        // A key column's shape holds the key's raw type with isKey set (ML.NET rejects a key item type here).
        PrimitiveDataViewType item = itemType is KeyDataViewType key ? RawNumberType(key.RawType) : itemType;
        return new SchemaShape.Column(name, kind, item, itemType is KeyDataViewType, new SchemaShape(annotations));
    }

    private static NumberDataViewType RawNumberType(Type raw)
    {
        if (raw == typeof(uint)) return NumberDataViewType.UInt32;
        if (raw == typeof(ushort)) return NumberDataViewType.UInt16;
        if (raw == typeof(byte)) return NumberDataViewType.Byte;
        if (raw == typeof(ulong)) return NumberDataViewType.UInt64;
        throw new ArgumentOutOfRangeException(nameof(raw), $"Keys of raw type {raw.Name} are not supported.");
    }

    private static SchemaShape.Column Of(string name, DataViewType type, IEnumerable<(string Name, DataViewType Type)> annotations)
    {
        var kind = type is VectorDataViewType v
            ? v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector
            : SchemaShape.Column.VectorKind.Scalar;
        DataViewType item = type.GetItemType();
        var annotationShapes = annotations.Select(a => Of(a.Name, a.Type, [])).ToList();
        return new SchemaShape.Column(name, kind, item, item is KeyDataViewType, new SchemaShape(annotationShapes));
    }

    private static SchemaShape.Column TextVector(string name) =>
        new(name, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, isKey: false);
}
