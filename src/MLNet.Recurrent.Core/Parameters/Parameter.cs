namespace MLNet.Recurrent.Core.Parameters;

/// <summary>
/// A named view of one weight tensor inside a <see cref="ParameterSet"/>'s slab. Names follow PyTorch
/// (<c>rnn.weight_ih_l0</c>, <c>rnn.bias_hh_l1_reverse</c>, ...), so weights move between the two one to one.
/// </summary>
public sealed class Parameter
{
    private readonly ParameterSet _owner;
    private readonly int[] _shape;

    internal Parameter(ParameterSet owner, string name, int[] shape, int offset, int length)
    {
        _owner = owner;
        Name = name;
        _shape = shape;
        Offset = offset;
        Length = length;
    }

    /// <summary>The parameter's name, PyTorch style.</summary>
    public string Name { get; }

    /// <summary>The size of each dimension (row-major, as PyTorch stores it).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Where the parameter starts in the slab.</summary>
    public int Offset { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The weights.</summary>
    public Span<float> Value => _owner.Values.AsSpan(Offset, Length);

    /// <summary>The gradient of the loss with respect to the weights; layers accumulate into it with +=.</summary>
    public Span<float> Gradient => _owner.Gradients.AsSpan(Offset, Length);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}[{string.Join(", ", _shape)}]";
}
