using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// The Mackey-Glass delay differential equation <c>dx/dt = a x(t - tau) / (1 + x(t - tau)^n) - b x(t)</c>, the
/// usual chaotic benchmark of reservoir computing, integrated as ReservoirPy's <c>datasets.mackey_glass</c> does:
/// classic fourth-order Runge-Kutta with step h, the delayed value x(t - tau) taken from the stored trajectory and
/// held fixed over the step, the history before t = 0 constant at x0 (ReservoirPy adds uniform noise of +-0.1 to
/// it; this one does not, so the series is the same everywhere).
/// </summary>
public static class MackeyGlass
{
    /// <summary>Samples x(0), x(h), ..., x((count - 1) h).</summary>
    /// <param name="count">Samples to return; positive.</param>
    /// <param name="tau">The delay; positive, a multiple of <paramref name="step"/> (17 is the chaotic classic).</param>
    /// <param name="a">The production rate (0.2).</param>
    /// <param name="b">The decay rate (0.1).</param>
    /// <param name="n">The exponent (10).</param>
    /// <param name="x0">The initial value and constant history (1.2).</param>
    /// <param name="step">h: the integration and sampling step (1).</param>
    public static double[] Generate(int count, double tau = 17, double a = 0.2, double b = 0.1, double n = 10, double x0 = 1.2, double step = 1)
    {
        ThrowHelper.ThrowIfNotPositive(count, nameof(count));
        if (!(step > 0) || double.IsInfinity(step)) ThrowHelper.OutOfRange(nameof(step), step, "it must be a finite positive number");
        double lags = tau / step;
        if (!(tau > 0) || Math.Abs(lags - Math.Round(lags)) > 1e-9)
            ThrowHelper.OutOfRange(nameof(tau), tau, $"it must be a positive multiple of the step ({step:R})");
        int delay = (int)Math.Round(lags);
        var x = new double[count];
        double current = x0;
        for (int t = 0; t < count; t++)
        {
            x[t] = current;
            double delayed = t >= delay ? x[t - delay] : x0;
            double k1 = step * Derivative(current, delayed, a, b, n);
            double k2 = step * Derivative(current + 0.5 * k1, delayed, a, b, n);
            double k3 = step * Derivative(current + 0.5 * k2, delayed, a, b, n);
            double k4 = step * Derivative(current + k3, delayed, a, b, n);
            current += k1 / 6 + k2 / 3 + k3 / 3 + k4 / 6;
        }
        return x;
    }

    private static double Derivative(double x, double delayed, double a, double b, double n) =>
        a * delayed / (1 + Math.Pow(delayed, n)) - b * x;
}
