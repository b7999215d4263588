using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// The running state of one pass through an <see cref="EchoStateNetwork"/>: the reservoir activations x (N) and
/// the last output y (K, fed back when the network has output feedback). The network itself is immutable, so one
/// network serves any number of states (one per thread or per series); a state is not thread-safe.
/// </summary>
public sealed class ReservoirState
{
    internal ReservoirState(int reservoirSize, int outputSize)
    {
        Values = new double[reservoirSize];
        Output = new double[outputSize];
        Scratch = new double[reservoirSize];
    }

    /// <summary>x: the reservoir activations, length N.</summary>
    internal double[] Values { get; }

    /// <summary>y: the last output, length K (zero before the first step).</summary>
    internal double[] Output { get; }

    /// <summary>Workspace of one step, length N.</summary>
    internal double[] Scratch { get; }

    /// <summary>The last raw observation, for a <see cref="ReservoirForecaster"/> that models differences; null before the first.</summary>
    internal double[]? LastObservation { get; set; }

    /// <summary>The reservoir activations x, length N.</summary>
    public ReadOnlySpan<double> Activations => Values;

    /// <summary>The last output y, length K: after observing u[t], the prediction of the target at t (for a forecaster, u[t+1]).</summary>
    public ReadOnlySpan<double> LastOutput => Output;

    /// <summary>The number of steps taken since creation or <see cref="Reset"/>.</summary>
    public long Steps { get; internal set; }

    /// <summary>
    /// Teacher forcing: replaces the last output, so the next step feeds <paramref name="value"/> back (and a
    /// free-running forecast starts from it) instead of what the readout computed.
    /// </summary>
    /// <param name="value">y, length K.</param>
    public void SetLastOutput(ReadOnlySpan<double> value)
    {
        if (value.Length != Output.Length)
            ThrowHelper.Argument(nameof(value), $"length {value.Length}", $"it must hold the {Output.Length} outputs");
        value.CopyTo(Output);
    }

    /// <summary>Returns to the zero state.</summary>
    public void Reset()
    {
        Array.Clear(Values);
        Array.Clear(Output);
        Steps = 0;
        LastObservation = null;
    }

    /// <summary>An independent copy (to forecast from a state without disturbing it).</summary>
    public ReservoirState Clone()
    {
        var copy = new ReservoirState(Values.Length, Output.Length) { Steps = Steps, LastObservation = (double[]?)LastObservation?.Clone() };
        Values.CopyTo(copy.Values, 0);
        Output.CopyTo(copy.Output, 0);
        return copy;
    }
}
