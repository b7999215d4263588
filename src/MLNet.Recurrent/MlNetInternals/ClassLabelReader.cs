using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Reads a class-label column row by row as a zero-based class: key k (1-based) reads as k - 1 and the missing
/// key 0 as -1; a Boolean reads as 0 (false) or 1 (true). One reader per cursor.
/// </summary>
internal sealed class ClassLabelReader
{
    private readonly Func<int> _read;

    /// <summary>Creates a reader of <paramref name="column"/> on <paramref name="row"/> (a cursor).</summary>
    /// <param name="row">The cursor; the column must be active on it.</param>
    /// <param name="column">A single key (raw type byte, ushort, uint or ulong) or a single Boolean.</param>
    public ClassLabelReader(DataViewRow row, DataViewSchema.Column column)
    {
        ArgumentNullException.ThrowIfNull(row);
        _read = column.Type switch
        {
            BooleanDataViewType => Make<bool>(row, column, b => b ? 1 : 0),
            KeyDataViewType { RawType: var t } when t == typeof(uint) => Make<uint>(row, column, k => (int)k - 1),
            KeyDataViewType { RawType: var t } when t == typeof(ushort) => Make<ushort>(row, column, k => k - 1),
            KeyDataViewType { RawType: var t } when t == typeof(byte) => Make<byte>(row, column, k => k - 1),
            KeyDataViewType { RawType: var t } when t == typeof(ulong) => Make<ulong>(row, column, k => k > int.MaxValue ? -1 : (int)k - 1),
            _ => Fail(column),
        };
    }

    /// <summary>
    /// K for a classifier's label, checked before anything is sized by it: at least 2 and at most
    /// <see cref="RecurrentLimits.MaxClassCount"/>, or the column is named in an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    /// <param name="component">The estimator's name, for the message.</param>
    /// <param name="label">The label column (a key or a Boolean).</param>
    /// <param name="expected">What the component expects of the label, for the message.</param>
    public static int RequireClassCount(string component, DataViewSchema.Column label, string expected)
    {
        ulong declared = label.Type switch
        {
            BooleanDataViewType => 2,
            KeyDataViewType key => key.Count,
            _ => 0,
        };
        if (declared < 2) ThrowHelper.ColumnType(component, label.Name, ThrowHelper.Describe(label.Type), $"{expected} with at least 2 classes");
        if (declared > RecurrentLimits.MaxClassCount)
            ThrowHelper.ColumnType(component, label.Name, ThrowHelper.Describe(label.Type),
                $"{expected} with at most {RecurrentLimits.MaxClassCount} classes (RecurrentLimits.MaxClassCount); it declares {declared}");
        return (int)declared;
    }

    /// <summary>K, the number of classes the column can hold: its key count, or 2 for a Boolean.</summary>
    public static int ClassCountOf(DataViewType type) => type switch
    {
        BooleanDataViewType => 2,
        KeyDataViewType key when key.Count <= int.MaxValue => (int)key.Count,
        _ => 0,
    };

    /// <summary>The current row's class, or -1 for a missing key.</summary>
    public int Read() => _read();

    private static Func<int> Make<T>(DataViewRow row, DataViewSchema.Column column, Func<T, int> toClass)
    {
        ValueGetter<T> getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return toClass(value);
        };
    }

    private static Func<int> Fail(DataViewSchema.Column column)
    {
        ThrowHelper.ColumnType("ClassLabelReader", column.Name, ThrowHelper.Describe(column.Type), "a single key or a single Boolean");
        return null!;
    }
}
