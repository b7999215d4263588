using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>Builds output-column annotations: slot names on score vectors, key values on predicted keys.</summary>
internal static class Annotations
{
    /// <summary>No annotations.</summary>
    public static DataViewSchema.Annotations None => DataViewSchema.Annotations.Empty;

    /// <summary><c>SlotNames</c>: one name per slot of a vector of length <paramref name="names"/>.Count.</summary>
    public static DataViewSchema.Annotations SlotNames(IReadOnlyList<string> names)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.AddSlotNames(names.Count, TextGetter(names));
        return builder.ToAnnotations();
    }

    /// <summary><c>KeyValues</c>: key k (1-based) stands for <paramref name="values"/>[k - 1].</summary>
    public static DataViewSchema.Annotations KeyValues(IReadOnlyList<string> values)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.AddKeyValues(values.Count, TextDataViewType.Instance, TextGetter(values));
        return builder.ToAnnotations();
    }

    /// <summary>
    /// Reads a key column's <c>KeyValues</c> as strings (what a fitted component saves so its output keys mean
    /// the same after loading). Null when the column has none or they are not text.
    /// </summary>
    public static string[]? ReadKeyValues(DataViewSchema.Column column)
    {
        var kv = column.Annotations.Schema.GetColumnOrNull(AnnotationNames.KeyValues);
        if (kv is not { Type: VectorDataViewType { ItemType: TextDataViewType } }) return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue(AnnotationNames.KeyValues, ref values);
        var result = new string[values.Length];
        int i = 0;
        foreach (ReadOnlyMemory<char> v in values.DenseValues()) result[i++] = v.ToString();
        return result;
    }

    /// <summary>
    /// Reads a key column's <c>KeyValues</c> of any item type as text (numbers in the invariant culture), so a
    /// component can name the classes of a label whatever it was mapped from. Null when the column has none.
    /// </summary>
    public static string[]? ReadKeyValuesAsText(DataViewSchema.Column column)
    {
        if (ReadKeyValues(column) is { } text) return text;
        var kv = column.Annotations.Schema.GetColumnOrNull(AnnotationNames.KeyValues);
        if (kv is not { Type: VectorDataViewType { ItemType: PrimitiveDataViewType item } }) return null;
        var read = typeof(Annotations).GetMethod(nameof(ReadAsText), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        return (string[])read.Invoke(null, [column])!;
    }

    private static string[] ReadAsText<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(AnnotationNames.KeyValues, ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    private static ValueGetter<VBuffer<ReadOnlyMemory<char>>> TextGetter(IReadOnlyList<string> items)
    {
        var copy = items.Select(s => s.AsMemory()).ToArray();
        return (ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, copy.Length);
            copy.CopyTo(editor.Values);
            dst = editor.Commit();
        };
    }
}
