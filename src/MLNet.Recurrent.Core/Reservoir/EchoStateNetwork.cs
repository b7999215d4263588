using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Reservoir.Internals;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// An echo state network (Jaeger 2001): a fixed random leaky reservoir (<see cref="EchoStateReservoir"/>) and a
/// linear readout <c>y[t] = W_out [1; x[t]]</c> trained by ridge regression on the states collected after a washout.
/// Only the readout is learned, in one linear solve, so fitting takes one pass over the data.
/// </summary>
/// <remarks>
/// <para>Dimension letters: T steps, D inputs, K outputs, N units, F readout features (<see cref="EchoStateNetworkOptions.ReadoutFeatures"/>: 1 + N, or 1 + D + N). Series are row-major
/// <c>[T, D]</c> (inputs) and <c>[T, K]</c> (targets) arrays of double.</para>
/// <para>The network is immutable and thread-safe; each pass keeps its own <see cref="ReservoirState"/>.
/// A forecaster (<see cref="FitForecaster(EchoStateNetworkOptions, ReadOnlySpan{double}, CancellationToken)"/>) reads u[t] and
/// predicts u[t+1]: one step ahead with the true inputs (teacher forced, <see cref="Run"/>), any number of steps
/// by feeding its own output back (free running, <see cref="Forecast"/>).</para>
/// </remarks>
public sealed partial class EchoStateNetwork
{
    private readonly double[] _readout; // [K, F]

    internal EchoStateNetwork(EchoStateNetworkOptions options, EchoStateReservoir reservoir, double[] readout, long trainingRows)
    {
        Options = options;
        Reservoir = reservoir;
        _readout = readout;
        TrainingRows = trainingRows;
    }

    /// <summary>The options the network was built with.</summary>
    public EchoStateNetworkOptions Options { get; }

    /// <summary>The fixed random reservoir.</summary>
    public EchoStateReservoir Reservoir { get; }

    /// <summary>The spectral radius of W reached (see <see cref="EchoStateReservoir.SpectralRadius"/>).</summary>
    public double SpectralRadius => Reservoir.SpectralRadius;

    /// <summary>The number of (state, target) rows the readout was solved on: the steps after each series' washout.</summary>
    public long TrainingRows { get; }

    /// <summary>D: inputs per step.</summary>
    public int InputSize => Options.InputSize;

    /// <summary>K: outputs per step.</summary>
    public int OutputSize => Options.OutputSize;

    /// <summary>
    /// W_out, <c>[K, F]</c> row-major: column 0 is the bias, then (with <see cref="EchoStateNetworkOptions.ReadoutIncludesInput"/>)
    /// D columns for the input, then one column per unit.
    /// </summary>
    public ReadOnlySpan<double> ReadoutWeights => _readout;

    /// <summary>
    /// Fits a readout mapping inputs to targets: the reservoir runs from the zero state over the T steps (fed the
    /// previous target when it has output feedback), the first <see cref="EchoStateNetworkOptions.Washout"/>
    /// states are dropped and the ridge readout is solved on the rest.
    /// </summary>
    /// <param name="options">The network; validated here.</param>
    /// <param name="inputs">u, <c>[T, D]</c> row-major, finite.</param>
    /// <param name="targets">y, <c>[T, K]</c> row-major, finite: the output wanted after reading u[t].</param>
    /// <param name="cancellationToken">Stops the pass (throws <see cref="OperationCanceledException"/>).</param>
    public static EchoStateNetwork Fit(EchoStateNetworkOptions options, ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int steps = Steps(inputs.Length, options.InputSize, nameof(inputs));
        int targetSteps = Steps(targets.Length, options.OutputSize, nameof(targets));
        if (targetSteps != steps)
            ThrowHelper.Argument(nameof(targets), $"{targetSteps} steps", $"it must have as many steps as 'inputs' ({steps})");
        RequireFinite(inputs, options.InputSize, nameof(inputs));
        RequireFinite(targets, options.OutputSize, nameof(targets));
        RequireLongerThanWashout(steps, options.Washout, nameof(inputs), 1);
        var reservoir = EchoStateReservoir.Create(options);
        var accumulator = new RidgeAccumulator(options.ReadoutFeatures, options.OutputSize);
        Collect(reservoir, options, accumulator, inputs, targets, steps, cancellationToken);
        return new EchoStateNetwork(options, reservoir, accumulator.Solve(options.Ridge), accumulator.Rows);
    }

    /// <summary>
    /// Fits a one-step-ahead forecaster of a series of S values per step (S = <c>InputSize</c> = <c>OutputSize</c>):
    /// inputs are steps 0..T-2, targets steps 1..T-1.
    /// </summary>
    /// <param name="options">The network; <c>InputSize</c> and <c>OutputSize</c> must both be S.</param>
    /// <param name="series"><c>[T, S]</c> row-major, finite, T at least washout + 2.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static EchoStateNetwork FitForecaster(EchoStateNetworkOptions options, ReadOnlySpan<double> series,
        CancellationToken cancellationToken = default) =>
        FitForecaster(options, [series.ToArray()], cancellationToken);

    /// <summary>
    /// Fits one forecaster on several independent series of the same S quantities (e.g. the same sensors on several
    /// devices): each starts from the zero state with its own washout; the readout is solved on all their rows.
    /// </summary>
    /// <param name="options">The network; <c>InputSize</c> and <c>OutputSize</c> must both be S.</param>
    /// <param name="series">Each <c>[T_i, S]</c> row-major, finite, T_i at least washout + 2.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static EchoStateNetwork FitForecaster(EchoStateNetworkOptions options, IReadOnlyList<double[]> series,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(series);
        options.Validate();
        int s = options.InputSize;
        if (options.OutputSize != s)
            ThrowHelper.Argument(nameof(options.OutputSize), options.OutputSize, $"a forecaster predicts its next input, so it must equal 'InputSize' ({s})");
        if (series.Count == 0) ThrowHelper.Argument(nameof(series), "empty", "at least one series is needed");
        for (int i = 0; i < series.Count; i++)
        {
            string name = series.Count == 1 ? nameof(series) : $"series[{i}]";
            ArgumentNullException.ThrowIfNull(series[i], name);
            int steps = Steps(series[i].Length, s, name);
            RequireFinite(series[i], s, name);
            RequireLongerThanWashout(steps, options.Washout, name, 2);
        }
        var reservoir = EchoStateReservoir.Create(options);
        var accumulator = new RidgeAccumulator(options.ReadoutFeatures, s);
        foreach (double[] one in series)
        {
            int steps = one.Length / s;
            ReadOnlySpan<double> all = one;
            Collect(reservoir, options, accumulator, all[..((steps - 1) * s)], all[s..], steps - 1, cancellationToken);
        }
        return new EchoStateNetwork(options, reservoir, accumulator.Solve(options.Ridge), accumulator.Rows);
    }

    /// <summary>A zero state to run the network from.</summary>
    public ReservoirState CreateState() => new(Reservoir.Size, OutputSize);

    /// <summary>
    /// One step: the reservoir reads <paramref name="input"/> (and, with feedback, the state's last output), then the
    /// readout writes <paramref name="output"/>, which becomes the state's last output.
    /// </summary>
    /// <param name="state">The pass's state; updated.</param>
    /// <param name="input">u, length D.</param>
    /// <param name="output">y, length K.</param>
    public void Step(ReservoirState state, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckState(state);
        ThrowHelper.ThrowIfTooShort(input.Length, InputSize, nameof(input));
        ThrowHelper.ThrowIfTooShort(output.Length, OutputSize, nameof(output));
        Reservoir.Update(state.Values, input, state.Output, state.Scratch);
        ReadOut(input, state.Values, output);
        output[..OutputSize].CopyTo(state.Output);
        state.Steps++;
    }

    /// <summary>Runs the network over T steps of input (teacher forced: the true inputs), returning the outputs <c>[T, K]</c>.</summary>
    /// <param name="state">The pass's state; updated.</param>
    /// <param name="inputs">u, <c>[T, D]</c> row-major, finite.</param>
    public double[] Run(ReservoirState state, ReadOnlySpan<double> inputs)
    {
        CheckState(state);
        int steps = Steps(inputs.Length, InputSize, nameof(inputs));
        RequireFinite(inputs, InputSize, nameof(inputs));
        var outputs = new double[steps * OutputSize];
        for (int t = 0; t < steps; t++)
            Step(state, inputs.Slice(t * InputSize, InputSize), outputs.AsSpan(t * OutputSize, OutputSize));
        return outputs;
    }

    /// <summary>
    /// Forecasts the next <paramref name="horizon"/> steps free running, from a copy of <paramref name="state"/>
    /// (which is left as it was): the first is the state's last output, each next one is the output after reading
    /// the previous forecast as input. Needs a forecaster (D = K) and a state that has read at least one step.
    /// </summary>
    /// <param name="state">The state after the last observed input.</param>
    /// <param name="horizon">h: steps to forecast; positive.</param>
    /// <returns><c>[h, K]</c> row-major.</returns>
    public double[] Forecast(ReservoirState state, int horizon)
    {
        CheckState(state);
        ThrowHelper.ThrowIfNotPositive(horizon, nameof(horizon));
        if (InputSize != OutputSize)
            ThrowHelper.InvalidOperation($"Free-running forecasts feed the output back as the next input, so 'OutputSize' ({OutputSize}) must equal 'InputSize' ({InputSize}); fit with FitForecaster.");
        if (state.Steps == 0)
            ThrowHelper.Argument(nameof(state), "a state with no steps", "run the network over some history first (Run or Step) so it has a last output to continue from");
        int k = OutputSize;
        var result = new double[horizon * k];
        ReservoirState copy = state.Clone();
        copy.Output.CopyTo(result, 0);
        for (int h = 1; h < horizon; h++)
            Step(copy, result.AsSpan((h - 1) * k, k), result.AsSpan(h * k, k));
        return result;
    }

    private void ReadOut(ReadOnlySpan<double> u, ReadOnlySpan<double> x, Span<double> output)
    {
        int f = Options.ReadoutFeatures, d = Options.ReadoutIncludesInput ? InputSize : 0;
        for (int k = 0; k < OutputSize; k++)
        {
            ReadOnlySpan<double> w = _readout.AsSpan(k * f, f);
            double sum = w[0];
            for (int j = 0; j < d; j++) sum += w[1 + j] * u[j];
            for (int i = 0; i < x.Length; i++) sum += w[1 + d + i] * x[i];
            output[k] = sum;
        }
    }

    private void CheckState(ReservoirState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Values.Length != Reservoir.Size || state.Output.Length != OutputSize)
            ThrowHelper.Argument(nameof(state), $"a state of {state.Values.Length} units and {state.Output.Length} outputs",
                $"this network has {Reservoir.Size} units and {OutputSize} outputs; use its CreateState()");
    }

    private static void Collect(EchoStateReservoir reservoir, EchoStateNetworkOptions options, RidgeAccumulator accumulator,
        ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int steps, CancellationToken cancellationToken)
    {
        int threads = Math.Min(ComputeSettings.MaxThreads, Environment.ProcessorCount);
        if (SplitStepCollector.TryRun(reservoir, options, accumulator, inputs, targets, steps, threads, cancellationToken)) return;
        int n = reservoir.Size, d = options.InputSize, k = options.OutputSize;
        var x = new double[n];
        int du = options.ReadoutIncludesInput ? d : 0;
        var z = new double[options.ReadoutFeatures];
        var scratch = new double[n];
        var noFeedback = new double[k];
        z[0] = 1;
        try
        {
            for (int t = 0; t < steps; t++)
            {
                if ((t & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                ReadOnlySpan<double> feedback = t == 0 ? noFeedback : targets.Slice((t - 1) * k, k);
                reservoir.Update(x, inputs.Slice(t * d, d), feedback, scratch);
                if (t < options.Washout) continue;
                inputs.Slice(t * d, du).CopyTo(z.AsSpan(1));
                x.CopyTo(z, 1 + du);
                accumulator.Add(z, targets.Slice(t * k, k));
            }
        }
        finally
        {
            // No block is left folding in on another thread when this returns or throws (cancellation).
            accumulator.Complete();
        }
    }

    private static int Steps(int length, int width, string name)
    {
        if (length % width != 0)
            ThrowHelper.Argument(name, $"length {length}", $"it must hold whole steps of {width} values");
        return length / width;
    }

    private static void RequireFinite(ReadOnlySpan<double> values, int width, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                ThrowHelper.Argument(name, values[i], $"at step {i / width}, feature {i % width}, every value must be finite (fill or drop missing readings first)");
    }

    private static void RequireLongerThanWashout(int steps, int washout, string name, int extra)
    {
        if (steps < washout + extra)
            ThrowHelper.Argument(name, $"{steps} steps long", $"with 'Washout' {washout} it must have at least {washout + extra} steps, so the readout has a row to learn from");
    }
}
