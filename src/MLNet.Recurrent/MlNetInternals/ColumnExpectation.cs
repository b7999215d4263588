using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// What a component requires of an input column, checkable both on a concrete type (transformer time) and on
/// ML.NET's coarser <see cref="SchemaShape.Column"/> (estimator time), with the words used in error messages.
/// </summary>
internal sealed class ColumnExpectation
{
    private readonly Func<DataViewType, bool> _matchesType;
    private readonly Func<SchemaShape.Column, bool> _matchesShape;

    private ColumnExpectation(string description, Func<DataViewType, bool> matchesType, Func<SchemaShape.Column, bool> matchesShape)
    {
        Description = description;
        _matchesType = matchesType;
        _matchesShape = matchesShape;
    }

    /// <summary>Completes "expects ...", e.g. "a vector of Single holding frames of 3 features".</summary>
    public string Description { get; }

    /// <summary>Whether a concrete column type qualifies.</summary>
    public bool Matches(DataViewType type) => _matchesType(type);

    /// <summary>Whether an estimator-time column shape qualifies.</summary>
    public bool Matches(SchemaShape.Column column) => _matchesShape(column);

    /// <summary>
    /// A sequence of frames of D floats: a vector of <see cref="float"/> (variable or known length) whose
    /// length is a multiple of D. With <paramref name="frameSize"/> 0 the column must declare D itself through
    /// dimensions <c>[0, D]</c> (see <see cref="FrameSequenceReader.FrameSizeOf"/>).
    /// </summary>
    public static ColumnExpectation FloatFrames(int frameSize)
    {
        string description = frameSize > 0
            ? $"a vector of Single holding frames of {frameSize} features (a length that is a multiple of {frameSize})"
            : "a vector of Single declaring frames of D features (dimensions [0, D]), or pass the frame size";
        return new ColumnExpectation(
            description,
            type => type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single &&
                    (frameSize > 0
                        // A column that declares its own frame size [0, D'] must declare this one.
                        ? v.Size % frameSize == 0 && FrameSequenceReader.FrameSizeOf(v) is var declared && (declared == 0 || declared == frameSize)
                        : FrameSequenceReader.FrameSizeOf(v) > 0),
            shape => shape.Kind != SchemaShape.Column.VectorKind.Scalar && !shape.IsKey && shape.ItemType == NumberDataViewType.Single);
    }

    /// <summary>A sequence of tokens: a vector (variable or known length) of keys, as <c>MapValueToKey</c> makes from tokenized text.</summary>
    public static ColumnExpectation KeySequence() => new(
        "a vector of keys (tokens mapped by MapValueToKey)",
        type => type is VectorDataViewType { ItemType: KeyDataViewType },
        shape => shape.Kind != SchemaShape.Column.VectorKind.Scalar && shape.IsKey);

    /// <summary>Per-step labels: a vector (variable or known length) of keys, as <c>MapValueToKey</c> makes from a vector of strings.</summary>
    public static ColumnExpectation LabelSequence() => new(
        "a vector of keys (labels mapped by MapValueToKey), one per step",
        type => type is VectorDataViewType { ItemType: KeyDataViewType },
        shape => shape.Kind != SchemaShape.Column.VectorKind.Scalar && shape.IsKey);

    /// <summary>Either of two expectations: "a ... or a ...".</summary>
    public static ColumnExpectation Either(ColumnExpectation first, ColumnExpectation second) => new(
        $"{first.Description}, or {second.Description}",
        type => first.Matches(type) || second.Matches(type),
        shape => first.Matches(shape) || second.Matches(shape));

    /// <summary>A class label: a single key (made by <c>MapValueToKey</c>) or a single Boolean.</summary>
    public static ColumnExpectation ClassLabel() => new(
        "a single key (a label mapped by MapValueToKey) or a single Boolean",
        type => type is KeyDataViewType || type is BooleanDataViewType,
        shape => shape.Kind == SchemaShape.Column.VectorKind.Scalar && (shape.IsKey || shape.ItemType is BooleanDataViewType));

    /// <summary>A class label as text or as ML.NET's classifiers take it: a single String, a single key or a single Boolean.</summary>
    public static ColumnExpectation TextOrClassLabel() => new(
        "a single String (class names, mapped to keys here), a single key or a single Boolean",
        type => type is TextDataViewType || type is KeyDataViewType || type is BooleanDataViewType,
        shape => shape.Kind == SchemaShape.Column.VectorKind.Scalar && (shape.IsKey || shape.ItemType is TextDataViewType || shape.ItemType is BooleanDataViewType));

    /// <summary>A single key, such as a class label made by <c>MapValueToKey</c>.</summary>
    public static ColumnExpectation ScalarKey() => new(
        "a single key (a label mapped by MapValueToKey)",
        type => type is KeyDataViewType,
        shape => shape.Kind == SchemaShape.Column.VectorKind.Scalar && shape.IsKey);

    /// <summary>One step of S numeric series: a single Single (S = 1) or a vector of Single of known size S.</summary>
    public static ColumnExpectation SeriesStep() => new(
        "a single Single (one series) or a vector of Single of known size S (S series observed together)",
        type => type == NumberDataViewType.Single || type is VectorDataViewType { IsKnownSize: true, ItemType: var item } && item == NumberDataViewType.Single,
        shape => !shape.IsKey && shape.ItemType == NumberDataViewType.Single && shape.Kind != SchemaShape.Column.VectorKind.VariableVector);

    /// <summary>A single text value.</summary>
    public static ColumnExpectation ScalarText() => new(
        "a single String",
        type => type is TextDataViewType,
        shape => shape.Kind == SchemaShape.Column.VectorKind.Scalar && !shape.IsKey && shape.ItemType is TextDataViewType);

    /// <summary>
    /// A classifier's side input: a single Single or a vector of Single of known size S (sparse or dense, as
    /// <c>FeaturizeText</c> or <c>Concatenate</c> make it); with <paramref name="size"/> positive, exactly S slots.
    /// </summary>
    public static ColumnExpectation SideFeatures(int size = 0) => new(
        size > 0
            ? $"a vector of Single of known size {size} (the size the model was trained with){(size == 1 ? ", or a single Single" : "")}"
            : "a single Single or a vector of Single of known size (for example the output of FeaturizeText)",
        type => (type == NumberDataViewType.Single && size <= 1)
                || type is VectorDataViewType { IsKnownSize: true, ItemType: var item } v && item == NumberDataViewType.Single && (size == 0 || v.Size == size),
        shape => !shape.IsKey && shape.ItemType == NumberDataViewType.Single && shape.Kind != SchemaShape.Column.VectorKind.VariableVector);
}
