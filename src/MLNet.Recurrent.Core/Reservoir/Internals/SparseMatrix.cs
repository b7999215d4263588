namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>A square matrix in compressed sparse row form, for the reservoir's y = W x (most of W is zero).</summary>
internal sealed class SparseMatrix
{
    private readonly int[] _rowStarts;
    private readonly int[] _columns;
    private readonly double[] _values;

    /// <summary>Keeps the nonzeros of a dense row-major <c>[n, n]</c> matrix.</summary>
    public SparseMatrix(ReadOnlySpan<double> dense, int n)
    {
        Size = n;
        _rowStarts = new int[n + 1];
        int nonzeros = 0;
        foreach (double v in dense[..(n * n)]) if (v != 0) nonzeros++;
        _columns = new int[nonzeros];
        _values = new double[nonzeros];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            _rowStarts[i] = k;
            for (int j = 0; j < n; j++)
            {
                double v = dense[i * n + j];
                if (v == 0) continue;
                _columns[k] = j;
                _values[k++] = v;
            }
        }
        _rowStarts[n] = k;
    }

    /// <summary>n: rows and columns.</summary>
    public int Size { get; }

    /// <summary>The number of stored (nonzero) entries.</summary>
    public int NonZeros => _values.Length;

    /// <summary>y[i] += sum_j W[i, j] x[j].</summary>
    public void MultiplyAdd(ReadOnlySpan<double> x, Span<double> y)
    {
        int[] starts = _rowStarts, columns = _columns;
        double[] values = _values;
        for (int i = 0; i < Size; i++)
        {
            double sum = 0;
            for (int k = starts[i], end = starts[i + 1]; k < end; k++) sum += values[k] * x[columns[k]];
            y[i] += sum;
        }
    }
}
