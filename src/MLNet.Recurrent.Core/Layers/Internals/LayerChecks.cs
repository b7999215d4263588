using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>Shape checks shared by the layers; every message names the argument and shows its value.</summary>
internal static class LayerChecks
{
    /// <summary>
    /// Requires a tensor of rank at least 1 whose last dimension is <paramref name="width"/> and returns the
    /// number of rows it holds (the product of the other dimensions).
    /// </summary>
    public static int Rows(Tensor tensor, int width, string name, string widthName)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.Rank == 0 || tensor.Dim(tensor.Rank - 1) != width)
            ThrowHelper.Argument(name, tensor, $"its last dimension must be {widthName} = {width}");
        return tensor.Length / width;
    }

    /// <summary>Requires a span of exactly <paramref name="expected"/> elements.</summary>
    public static void Length(int length, int expected, string name, string what)
    {
        if (length != expected) ThrowHelper.Argument(name, $"length {length}", $"it must hold {what} = {expected} elements");
    }

    /// <summary>Resizes <paramref name="target"/> to the shape of <paramref name="like"/> with the last dimension replaced.</summary>
    public static void ResizeLike(Tensor target, Tensor like, int lastDimension)
    {
        Span<int> shape = stackalloc int[like.Rank];
        like.Shape.CopyTo(shape);
        shape[^1] = lastDimension;
        target.Resize(shape);
    }
}
