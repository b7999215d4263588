using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Reservoir.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// Echo-state initialization of a trained recurrent layer's <c>weight_hh_l{k}</c> <c>[G*H, H]</c>: each H x H gate
/// block is drawn from N(0, 1) and rescaled so its spectral radius is the one asked for (the "middle road" of the
/// lecture notes: start like an echo state network, then train every connection).
/// </summary>
public static class EchoStateInitializer
{
    /// <summary>Fills each <paramref name="blockRows"/> x H block of a <c>[G*H, H]</c> matrix parameter.</summary>
    /// <param name="parameter">A rank-2 parameter whose row count is a multiple of its column count H.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="spectralRadius">The radius of each block; finite, positive.</param>
    /// <param name="blockRows">H, rows per block; 0 for a square parameter taken whole.</param>
    /// <returns>The smallest and largest radius reached over the blocks (measured radius times scale; the float32 rounding moves it by about 1e-7).</returns>
    public static (double Min, double Max) Initialize(Parameter parameter, Random random, double spectralRadius, int blockRows = 0)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(random);
        if (!(spectralRadius > 0) || double.IsInfinity(spectralRadius))
            ThrowHelper.OutOfRange(nameof(spectralRadius), spectralRadius, "it must be a finite positive number");
        if (parameter.Shape.Length != 2) ThrowHelper.Argument(nameof(parameter), parameter.ToString(), "it must be a matrix [G*H, H]");
        int rows = parameter.Shape[0], h = parameter.Shape[1];
        int block = blockRows == 0 ? rows : blockRows;
        if (block != h || rows % h != 0)
            ThrowHelper.Argument(nameof(blockRows), blockRows, $"each block of {parameter} must be square (H = {h} rows)");
        double min = double.MaxValue, max = 0;
        var w = new double[h * h];
        for (int r = 0; r < rows; r += h)
        {
            for (int i = 0; i < w.Length; i++) w[i] = StandardNormal(random);
            double radius = Eigenvalues.SpectralRadius(w, h);
            double scale = spectralRadius / radius;
            Span<float> target = parameter.Value.Slice(r * h, h * h);
            for (int i = 0; i < w.Length; i++) target[i] = (float)(w[i] * scale);
            min = Math.Min(min, radius * scale);
            max = Math.Max(max, radius * scale);
        }
        return (min, max);
    }

    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
