using System.Buffers;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// A dense row-major float32 tensor over an array rented from <see cref="ArrayPool{T}"/>.
/// A tensor is a reusable workspace: <see cref="Resize(ReadOnlySpan{int})"/> changes its shape and only
/// rents a larger array when the new shape does not fit, so steady-state training steps allocate nothing.
/// Shapes are documented with the letters of <c>Layers/README.md</c> (B, T, D, H, V, K).
/// </summary>
public sealed class Tensor : IDisposable
{
    private float[] _data;
    private int[] _shape;   // capacity for the largest rank seen; the first _rank entries are the shape
    private int _rank;

    /// <summary>Creates a tensor of the given shape, filled with zeros.</summary>
    /// <param name="shape">The size of each dimension; each must be zero or positive.</param>
    public Tensor(params ReadOnlySpan<int> shape)
    {
        _data = [];
        _shape = [];
        Resize(shape);
        Clear();
    }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length { get; private set; }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<int> Shape => _shape.AsSpan(0, _rank);

    /// <summary>The number of dimensions.</summary>
    public int Rank => _rank;

    /// <summary>The elements, row-major (the last dimension varies fastest).</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>The backing array; it may be longer than <see cref="Length"/>.</summary>
    public float[] Array => _data;

    /// <summary>The size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => (uint)axis < (uint)_rank ? _shape[axis] : throw new IndexOutOfRangeException();

    /// <summary>
    /// Changes the shape. Contents are kept only when the array did not have to grow; callers that need
    /// zeros call <see cref="Clear"/>.
    /// </summary>
    /// <param name="shape">The size of each dimension; each must be zero or positive.</param>
    public void Resize(params ReadOnlySpan<int> shape)
    {
        long length = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            // Checked inline: building the name eagerly would allocate a string on every (steady-state) Resize.
            if (shape[i] < 0) ThrowHelper.OutOfRange($"shape[{i}]", shape[i], "it must be zero or positive");
            length *= shape[i];
        }
        if (length > System.Array.MaxLength) ThrowHelper.OutOfRange("shape", length, $"the element count must be at most {System.Array.MaxLength}");
        if (length > _data.Length)
        {
            if (_data.Length > 0) ArrayPool<float>.Shared.Return(_data);
            _data = ArrayPool<float>.Shared.Rent((int)length);
        }
        // A rank change reuses the shape array when it is long enough: views such as [T, B, D] <-> [N, D] alternate every step.
        if (_shape.Length < shape.Length) _shape = new int[shape.Length];
        shape.CopyTo(_shape);
        _rank = shape.Length;
        Length = (int)length;
    }

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Returns the array to the pool; the tensor must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_data.Length > 0) ArrayPool<float>.Shared.Return(_data);
        _data = [];
        _shape = [];
        _rank = 0;
        Length = 0;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(", ", _shape[.._rank])}]";
}
