using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>The spectral radius (largest eigenvalue modulus) of a square matrix, from MathNet's eigenvalue decomposition.</summary>
internal static class Eigenvalues
{
    /// <summary>max |lambda_i| of the row-major <c>[n, n]</c> matrix; O(n^3), off the hot path (once per reservoir).</summary>
    public static double SpectralRadius(ReadOnlySpan<double> dense, int n)
    {
        var values = dense[..(n * n)].ToArray();
        Matrix<double> m = Matrix<double>.Build.Dense(n, n, (i, j) => values[i * n + j]);
        var evd = m.Evd(Symmetricity.Asymmetric);
        double radius = 0;
        foreach (var lambda in evd.EigenValues) radius = Math.Max(radius, lambda.Magnitude);
        return radius;
    }
}
