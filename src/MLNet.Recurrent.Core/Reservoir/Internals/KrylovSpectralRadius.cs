using MathNet.Numerics.LinearAlgebra;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// The spectral radius of a sparse non-symmetric matrix without its full eigendecomposition: power steps to damp
/// the inner part of the spectrum, then an Arnoldi (Krylov) basis grown from the damped vector, whose small upper
/// Hessenberg matrix H_m MathNet decomposes; the largest Ritz modulus max |eig(H_m)| is the estimate.
/// </summary>
/// <remarks>
/// Plain power iteration is not enough for a reservoir: W is non-symmetric, so its dominant eigenvalue is often a
/// complex pair (the iterate rotates instead of settling), and a random W has many eigenvalues close to the edge of
/// its spectrum (the circular law), so |lambda_2| / |lambda_1| is near 1. Ritz values handle both (a conjugate pair is
/// two Ritz values of the same modulus). The estimate is accepted when it changes by less than
/// <see cref="Tolerance"/> (relative) between two checks <see cref="CheckEvery"/> basis vectors apart, or when the
/// basis closes (an invariant subspace: the Ritz values are then eigenvalues). The cost is a few hundred sparse
/// products and orthogonalizations against at most <see cref="MaxBasis"/> vectors, against O(N^3) for the dense
/// decomposition (1,000 units: milliseconds against many seconds). Sequential and seeded: the same W gives the same bits.
/// </remarks>
internal static class KrylovSpectralRadius
{
    /// <summary>The relative change between two checks at which the estimate is accepted.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Power steps before the Krylov basis is grown.</summary>
    public const int PowerSteps = 200;

    /// <summary>Largest Krylov basis before a restart (more power steps from the last start vector).</summary>
    public const int MaxBasis = 160;

    /// <summary>Basis vectors between two estimates.</summary>
    public const int CheckEvery = 10;

    private const int MaxRestarts = 8;

    /// <summary>The estimate, and the relative change of the last check (0 when the basis closed); 0 for a nilpotent W.</summary>
    /// <param name="w">The matrix.</param>
    /// <param name="change">The relative change between the last two estimates: the estimate's convergence.</param>
    /// <exception cref="InvalidOperationException">No estimate settled to 1e-4 (far below the 1% the reservoir needs) after the restarts.</exception>
    public static double Estimate(SparseMatrix w, out double change)
    {
        int n = w.Size;
        var start = new double[n];
        var random = new DeterministicRandom(0x5eed);
        for (int i = 0; i < n; i++) start[i] = random.NextDouble() - 0.5;
        var next = new double[n];
        double best = double.NaN;
        change = double.PositiveInfinity;
        for (int restart = 0; restart <= MaxRestarts; restart++)
        {
            if (Normalize(start) == 0) return change = 0;
            for (int k = 0; k < PowerSteps; k++)
            {
                w.Multiply(start, next);
                // W^k x = 0: W is nilpotent on the start vector; with a dense random start, W is nilpotent.
                if (Normalize(next) == 0) return change = 0;
                (start, next) = (next, start);
            }
            double estimate = Arnoldi(w, start, out double arnoldiChange, out bool closed);
            if (closed || arnoldiChange < Tolerance)
            {
                change = closed ? 0 : arnoldiChange;
                return estimate;
            }
            if (Math.Abs(arnoldiChange) < Math.Abs(change))
            {
                change = arnoldiChange;
                best = estimate;
            }
        }
        if (change < 1e-4) return best;
        throw new InvalidOperationException($"The spectral radius estimate of the {n} x {n} recurrent matrix did not settle (last relative change {change:E2}).");
    }

    /// <summary>Grows an orthonormal Krylov basis from <paramref name="start"/> (unit length); returns the last estimate.</summary>
    private static double Arnoldi(SparseMatrix w, ReadOnlySpan<double> start, out double change, out bool closed)
    {
        int n = w.Size, m = Math.Min(n, MaxBasis);
        var basis = new double[m + 1][];
        basis[0] = start.ToArray();
        var h = new double[(m + 1) * m]; // H[i, j] at i * m + j
        double scale = 0, previous = double.NaN;
        change = double.PositiveInfinity;
        closed = false;
        for (int j = 0; j < m; j++)
        {
            var u = new double[n];
            w.Multiply(basis[j], u);
            scale = Math.Max(scale, Norm(u));
            // Classical Gram-Schmidt twice: orthogonal to working precision.
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i <= j; i++)
                {
                    double d = Dot(basis[i], u);
                    h[i * m + j] += d;
                    for (int q = 0; q < n; q++) u[q] -= d * basis[i][q];
                }
            double norm = Norm(u);
            h[(j + 1) * m + j] = norm;
            int size = j + 1;
            // The basis closes: span(basis) is invariant under W and H's eigenvalues are eigenvalues of W.
            closed = norm <= 1e-12 * Math.Max(scale, double.Epsilon) || size == n;
            if (closed || size % CheckEvery == 0 || size == m)
            {
                var hm = Matrix<double>.Build.Dense(size, size, (a, b) => h[a * m + b]);
                double estimate = 0;
                foreach (var lambda in hm.Evd(Symmetricity.Asymmetric).EigenValues) estimate = Math.Max(estimate, lambda.Magnitude);
                if (closed) return estimate;
                if (double.IsFinite(previous)) change = Math.Abs(estimate - previous) / Math.Max(estimate, double.Epsilon);
                if (change < Tolerance || size == m) return estimate;
                previous = estimate;
            }
            for (int q = 0; q < n; q++) u[q] /= norm;
            basis[j + 1] = u;
        }
        return previous;
    }

    private static double Normalize(Span<double> x)
    {
        double norm = Norm(x);
        if (norm == 0 || !double.IsFinite(norm)) return norm == 0 ? 0 : throw new InvalidOperationException("The spectral radius iteration overflowed.");
        for (int i = 0; i < x.Length; i++) x[i] /= norm;
        return norm;
    }

    private static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Dot(x, x));

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
