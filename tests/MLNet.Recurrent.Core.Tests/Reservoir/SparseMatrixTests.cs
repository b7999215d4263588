using MLNet.Recurrent.Core.Reservoir.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Reservoir;

public sealed class SparseMatrixTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(13, 0.3)]
    [InlineData(100, 0.1)]
    [InlineData(203, 0.05)]
    public void The_sliced_product_gives_the_same_bits_as_the_plain_row_loop(int n, double connectivity)
    {
        var random = new Random(n);
        var w = new double[n * n];
        for (int i = 0; i < w.Length; i++)
            if (random.NextDouble() < connectivity) w[i] = (float)(random.NextDouble() * 4 - 2);
        if (n > 5) Array.Clear(w, 2 * n, n); // an empty row
        var matrix = new SparseMatrix(w, n);
        double[] x = Enumerable.Range(0, n).Select(_ => Math.Tanh(random.NextDouble() * 6 - 3)).ToArray();
        double[] start = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double[] fast = (double[])start.Clone(), reference = (double[])start.Clone();
        matrix.MultiplyAdd(x, fast);
        matrix.MultiplyAddReference(x, reference);
        // And the dense definition, to a rounding tolerance (it sums in another order).
        double maxDense = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = start[i];
            for (int j = 0; j < n; j++) sum += w[i * n + j] * x[j];
            maxDense = Math.Max(maxDense, Math.Abs(sum - fast[i]));
        }
        output.WriteLine($"N {n}: {matrix.NonZeros} nonzeros, {matrix.StoredEntries} stored; max |sliced - dense| {maxDense:E2}");
        Assert.Equal(reference, fast);
        Assert.True(maxDense < 1e-12);
        Assert.Equal(w.Count(v => v != 0), matrix.NonZeros);
    }
}
