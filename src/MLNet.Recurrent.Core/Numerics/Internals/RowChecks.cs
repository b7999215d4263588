using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>Argument checks shared by the row-wise operators.</summary>
internal static class RowChecks
{
    /// <summary>Requires positive <paramref name="columns"/> dividing the length of <paramref name="first"/>, and equal lengths; returns the row count.</summary>
    public static int Rows(int columns, ReadOnlySpan<float> first, string firstName, int secondLength, string secondName, int thirdLength = -1, string thirdName = "")
    {
        ThrowHelper.ThrowIfNotPositive(columns, nameof(columns));
        if (first.Length % columns != 0) ThrowHelper.Argument(firstName, $"length {first.Length}", $"it must be a whole number of rows of {columns} columns");
        if (secondLength != first.Length) ThrowHelper.Argument(secondName, $"length {secondLength}", $"it must match '{firstName}' (length {first.Length})");
        if (thirdLength >= 0 && thirdLength != first.Length) ThrowHelper.Argument(thirdName, $"length {thirdLength}", $"it must match '{firstName}' (length {first.Length})");
        return first.Length / columns;
    }

    /// <summary><c>sum_i exp(x[i])</c> in chunks through a stack buffer, so the caller's spans stay untouched.</summary>
    public static float SumOfExp(ReadOnlySpan<float> x)
    {
        Span<float> chunk = stackalloc float[256];
        float sum = 0;
        for (int i = 0; i < x.Length; i += chunk.Length)
        {
            var part = x.Slice(i, Math.Min(chunk.Length, x.Length - i));
            var tmp = chunk[..part.Length];
            System.Numerics.Tensors.TensorPrimitives.Exp(part, tmp);
            sum += System.Numerics.Tensors.TensorPrimitives.Sum<float>(tmp);
        }
        return sum;
    }
}
