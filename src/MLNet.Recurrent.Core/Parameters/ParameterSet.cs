using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Parameters;

/// <summary>
/// Every trainable weight of a model in one contiguous slab, with gradients mirroring it element for
/// element, so clearing, clipping and optimizer steps are single loops over two arrays. Layers register
/// their weights with <see cref="Add"/> when they are built; <see cref="Parameter"/> gives named views.
/// </summary>
public sealed class ParameterSet
{
    private readonly List<Parameter> _parameters = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private float[] _values = [];
    private float[] _gradients = [];
    private int _count;

    /// <summary>All weights, parameter after parameter in the order they were added.</summary>
    public float[] Values => _values.Length == _count ? _values : Trim();

    /// <summary>The gradients, laid out exactly like <see cref="Values"/>.</summary>
    public float[] Gradients
    {
        get
        {
            _ = Values;
            return _gradients;
        }
    }

    /// <summary>The total number of weights.</summary>
    public int Count => _count;

    /// <summary>The parameters in the order they were added.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter this[string name] => _byName.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"No parameter is named {ThrowHelper.Show(name)}; the set has {string.Join(", ", _byName.Keys)}.");

    /// <summary>Whether a parameter called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Adds a zero-filled parameter; layers call this when they are built.</summary>
    /// <param name="name">A unique name, PyTorch style.</param>
    /// <param name="shape">The size of each dimension; each must be positive.</param>
    public Parameter Add(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_byName.ContainsKey(name)) ThrowHelper.Argument(nameof(name), name, "a parameter of that name already exists");
        long length = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            ThrowHelper.ThrowIfNotPositive(shape[i], $"shape[{i}] of {name}");
            length *= shape[i];
        }
        if (_count + length > Array.MaxLength) ThrowHelper.OutOfRange(nameof(shape), length, "the model would exceed the largest array .NET allows");
        var p = new Parameter(this, name, (int[])shape.Clone(), _count, (int)length);
        _count += (int)length;
        _parameters.Add(p);
        _byName.Add(name, p);
        return p;
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Gradients.AsSpan().Clear();

    private float[] Trim()
    {
        // Grows once after the layers are built; parameters hold offsets, not arrays, so nothing goes stale.
        Array.Resize(ref _values, _count);
        Array.Resize(ref _gradients, _count);
        return _values;
    }
}
