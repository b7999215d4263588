using System.Numerics;
using Matrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// Ridge regression by the normal equations, accumulated row by row so the design matrix is never stored
/// (10^5 steps of 1,000 units would be 800 MB): with z = [1; x] (F = N + 1 features) and target y (K),
/// <c>G = sum z z^T</c> and <c>C = sum z y^T</c>, in double. <see cref="Solve"/> returns
/// <c>W_out = ((G + lambda P)^-1 C)^T</c>, <c>[K, F]</c>, where P is the identity with P[0, 0] = 0 (the bias is
/// not penalized).
/// </summary>
/// <remarks>
/// Rows are buffered in blocks of <see cref="BlockRows"/> and folded in with a register-blocked kernel (four rows of
/// G at a time, <see cref="Vector{T}"/> over the block). Each element of G is summed by one thread in row order, so
/// the result is the same for any thread count.
/// </remarks>
internal sealed class RidgeAccumulator
{
    public const int BlockRows = 128;

    private readonly int _features, _outputs;
    private readonly double[] _gram;     // [F, F], upper triangle filled until Solve
    private readonly double[] _cross;    // [F, K]
    private readonly double[] _zBlock;   // [F, BlockRows]: feature-major, so each feature's block is contiguous
    private readonly double[] _yBlock;   // [K, BlockRows]
    private int _filled;

    public RidgeAccumulator(int features, int outputs)
    {
        _features = features;
        _outputs = outputs;
        _gram = new double[features * features];
        _cross = new double[features * outputs];
        _zBlock = new double[features * BlockRows];
        _yBlock = new double[outputs * BlockRows];
    }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row: features z (length F) and targets y (length K).</summary>
    public void Add(ReadOnlySpan<double> z, ReadOnlySpan<double> y)
    {
        for (int f = 0; f < _features; f++) _zBlock[f * BlockRows + _filled] = z[f];
        for (int k = 0; k < _outputs; k++) _yBlock[k * BlockRows + _filled] = y[k];
        Rows++;
        if (++_filled == BlockRows) Flush();
    }

    /// <summary>Solves for the readout <c>[K, F]</c> with penalty <paramref name="ridge"/> on every weight but the first (bias).</summary>
    public double[] Solve(double ridge)
    {
        Flush();
        int f = _features, kk = _outputs;
        Matrix a = Matrix.Build.Dense(f, f, (i, j) => i <= j ? _gram[i * f + j] : _gram[j * f + i]);
        for (int i = 1; i < f; i++) a[i, i] += ridge;
        Matrix c = Matrix.Build.Dense(f, kk, (i, j) => _cross[i * kk + j]);
        Matrix w;
        try
        {
            w = a.Cholesky().Solve(c);
        }
        catch (ArgumentException)
        {
            // Singular without a penalty (ridge 0 and dependent states): the least-norm solution instead.
            w = a.Svd(computeVectors: true).Solve(c);
        }
        var result = new double[kk * f];
        for (int k = 0; k < kk; k++)
            for (int i = 0; i < f; i++) result[k * f + i] = w[i, k];
        foreach (double v in result)
            if (!double.IsFinite(v)) ThrowHelper.InvalidOperation($"The ridge readout came out non-finite from {Rows} rows; raise 'Ridge' (it was {ridge:R}) or check the inputs' scale.");
        return result;
    }

    private void Flush()
    {
        int n = _filled;
        if (n == 0) return;
        if (n < BlockRows)
        {
            // Zero the unused tail of each feature's block, so the kernel can always run whole blocks.
            for (int f = 0; f < _features; f++) Array.Clear(_zBlock, f * BlockRows + n, BlockRows - n);
            for (int k = 0; k < _outputs; k++) Array.Clear(_yBlock, k * BlockRows + n, BlockRows - n);
        }
        int fc = _features;
        int groups = (fc + 3) / 4;
        if ((long)fc * fc * BlockRows < 4_000_000) for (int g = 0; g < groups; g++) FoldRows(g * 4);
        else Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.MaxThreads }, g => FoldRows(g * 4)); // this fit's thread limit
        _filled = 0;
    }

    /// <summary>Rows i0..i0+3 of G (from the diagonal on) and of C.</summary>
    private void FoldRows(int i0)
    {
        int fc = _features, b = BlockRows;
        int rows = Math.Min(4, fc - i0);
        ReadOnlySpan<double> z = _zBlock;
        ReadOnlySpan<double> z0 = z.Slice(i0 * b, b);
        ReadOnlySpan<double> z1 = rows > 1 ? z.Slice((i0 + 1) * b, b) : z0;
        ReadOnlySpan<double> z2 = rows > 2 ? z.Slice((i0 + 2) * b, b) : z0;
        ReadOnlySpan<double> z3 = rows > 3 ? z.Slice((i0 + 3) * b, b) : z0;
        for (int j = i0; j < fc; j++)
        {
            var (s0, s1, s2, s3) = Dot4(z0, z1, z2, z3, z.Slice(j * b, b));
            _gram[i0 * fc + j] += s0;
            if (rows > 1 && j >= i0 + 1) _gram[(i0 + 1) * fc + j] += s1;
            if (rows > 2 && j >= i0 + 2) _gram[(i0 + 2) * fc + j] += s2;
            if (rows > 3 && j >= i0 + 3) _gram[(i0 + 3) * fc + j] += s3;
        }
        ReadOnlySpan<double> y = _yBlock;
        int kk = _outputs;
        for (int k = 0; k < kk; k++)
        {
            var (s0, s1, s2, s3) = Dot4(z0, z1, z2, z3, y.Slice(k * b, b));
            _cross[i0 * kk + k] += s0;
            if (rows > 1) _cross[(i0 + 1) * kk + k] += s1;
            if (rows > 2) _cross[(i0 + 2) * kk + k] += s2;
            if (rows > 3) _cross[(i0 + 3) * kk + k] += s3;
        }
    }

    private static (double, double, double, double) Dot4(ReadOnlySpan<double> a0, ReadOnlySpan<double> a1,
        ReadOnlySpan<double> a2, ReadOnlySpan<double> a3, ReadOnlySpan<double> x)
    {
        int w = Vector<double>.Count, n = x.Length, i = 0;
        Vector<double> v0 = default, v1 = default, v2 = default, v3 = default;
        for (; i + w <= n; i += w)
        {
            var xv = new Vector<double>(x.Slice(i, w));
            v0 += new Vector<double>(a0.Slice(i, w)) * xv;
            v1 += new Vector<double>(a1.Slice(i, w)) * xv;
            v2 += new Vector<double>(a2.Slice(i, w)) * xv;
            v3 += new Vector<double>(a3.Slice(i, w)) * xv;
        }
        double s0 = Vector.Sum(v0), s1 = Vector.Sum(v1), s2 = Vector.Sum(v2), s3 = Vector.Sum(v3);
        for (; i < n; i++)
        {
            s0 += a0[i] * x[i];
            s1 += a1[i] * x[i];
            s2 += a2[i] * x[i];
            s3 += a3[i] * x[i];
        }
        return (s0, s1, s2, s3);
    }
}
