using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Serialization;

/// <summary>A named float32 tensor as stored in a model file: a parameter's name, shape and row-major values.</summary>
public sealed class NamedTensor
{
    private readonly int[] _shape;

    /// <summary>Creates a tensor; the data array is kept, not copied.</summary>
    /// <param name="name">The name, PyTorch style.</param>
    /// <param name="shape">The size of each dimension; each positive.</param>
    /// <param name="data">The values, row-major; as many as the shape's product.</param>
    public NamedTensor(string name, ReadOnlySpan<int> shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(data);
        long product = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            ThrowHelper.ThrowIfNotPositive(shape[i], $"shape[{i}]");
            product *= shape[i];
        }
        if (product != data.Length) ThrowHelper.Argument(nameof(data), $"length {data.Length}", $"the shape [{string.Join(", ", shape.ToArray())}] of \"{name}\" needs {product} values");
        Name = name;
        _shape = shape.ToArray();
        Data = data;
    }

    /// <summary>A copy of a parameter's current values.</summary>
    public static NamedTensor From(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new NamedTensor(parameter.Name, parameter.Shape, parameter.Value.ToArray());
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}[{string.Join(", ", _shape)}]";
}
