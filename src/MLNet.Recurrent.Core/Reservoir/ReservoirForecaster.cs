using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// A forecaster of S series observed together (S values per step, e.g. humidity and temperature) on raw scales:
/// each series is standardized with the mean and standard deviation learned at fit (so tanh units see values near
/// +-1 whatever the units), an <see cref="EchoStateNetwork"/> predicts the next standardized step, and forecasts come
/// back on the series' own scales. One step ahead uses the true observations (teacher forced), further steps feed
/// the forecasts back (free running). With differencing the network reads and predicts the change from one step to
/// the next (standardized), and forecasts are the last observation plus the predicted changes: the right model for
/// slowly drifting readings, where the level moves outside the range seen at fit.
/// </summary>
public sealed class ReservoirForecaster
{
    private readonly double[] _mean, _scale; // [S], float32 values (saved exactly)

    private ReservoirForecaster(EchoStateNetwork network, double[] mean, double[] scale, bool differencing)
    {
        Network = network;
        _mean = mean;
        _scale = scale;
        Differencing = differencing;
    }

    /// <summary>Whether the network models the step-to-step changes rather than the values.</summary>
    public bool Differencing { get; }

    /// <summary>The network on standardized values (D = K = S).</summary>
    public EchoStateNetwork Network { get; }

    /// <summary>S: values per step.</summary>
    public int SeriesCount => _mean.Length;

    /// <summary>The mean subtracted from each series, length S (0 without standardization).</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>The scale each series is divided by, length S: its standard deviation (1 without standardization or for a constant series).</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>
    /// Fits on one or more independent stretches of the same S series (each <c>[T_i, S]</c> row-major, finite, longer
    /// than the washout by 2), each run from the zero state with its own washout.
    /// </summary>
    /// <param name="options">The network; <c>InputSize</c> and <c>OutputSize</c> must be S.</param>
    /// <param name="series">The stretches.</param>
    /// <param name="standardize">Whether to standardize each series (mean and standard deviation over all stretches).</param>
    /// <param name="differencing">Whether to model the changes y[t] - y[t-1] (each stretch then needs one step more).</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static ReservoirForecaster Fit(EchoStateNetworkOptions options, IReadOnlyList<double[]> series, bool standardize = true,
        bool differencing = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(series);
        options.Validate();
        int s = options.InputSize;
        if (differencing)
        {
            var changes = new List<double[]>(series.Count);
            foreach (double[] one in series)
            {
                ArgumentNullException.ThrowIfNull(one, nameof(series));
                var d = new double[Math.Max(0, one.Length - s)];
                for (int i = 0; i < d.Length; i++) d[i] = one[i + s] - one[i];
                changes.Add(d);
            }
            series = changes;
        }
        var mean = new double[s];
        var scale = new double[s];
        scale.AsSpan().Fill(1);
        if (standardize)
        {
            var sum = new double[s];
            var squares = new double[s];
            long count = 0;
            foreach (double[] one in series)
            {
                ArgumentNullException.ThrowIfNull(one, nameof(series));
                for (int i = 0; i + s <= one.Length; i += s, count++)
                    for (int j = 0; j < s; j++)
                    {
                        sum[j] += one[i + j];
                        squares[j] += one[i + j] * one[i + j];
                    }
            }
            for (int j = 0; j < s && count > 0; j++)
            {
                double m = sum[j] / count;
                double variance = Math.Max(0, squares[j] / count - m * m);
                mean[j] = (float)m;
                scale[j] = variance > 1e-24 ? (float)Math.Sqrt(variance) : 1;
            }
        }
        var standardized = new List<double[]>(series.Count);
        foreach (double[] one in series)
        {
            var copy = new double[one.Length];
            for (int i = 0; i < one.Length; i++) copy[i] = (one[i] - mean[i % s]) / scale[i % s];
            standardized.Add(copy);
        }
        // NaN and length checks happen here, with the same messages as the network's own.
        var network = EchoStateNetwork.FitForecaster(options, standardized, cancellationToken);
        return new ReservoirForecaster(network, mean, scale, differencing);
    }

    /// <summary>A zero state.</summary>
    public ReservoirState CreateState() => Network.CreateState();

    /// <summary>Reads one step of the S series (raw scale, finite).</summary>
    /// <param name="state">The pass's state; updated.</param>
    /// <param name="values">The step's S values.</param>
    public void Observe(ReservoirState state, ReadOnlySpan<double> values)
    {
        int s = SeriesCount;
        if (values.Length != s) ThrowHelper.Argument(nameof(values), $"length {values.Length}", $"it must hold the {s} series' values of one step");
        for (int j = 0; j < s; j++)
            if (!double.IsFinite(values[j])) ThrowHelper.Argument(nameof(values), values[j], $"series {j} at step {state.Steps}: every value must be finite");
        Span<double> input = stackalloc double[s];
        if (Differencing)
        {
            double[]? last = state.LastObservation;
            state.LastObservation = values.ToArray();
            if (last is null) return; // the first observation only sets the level
            for (int j = 0; j < s; j++) input[j] = (values[j] - last[j] - _mean[j]) / _scale[j];
        }
        else
        {
            for (int j = 0; j < s; j++) input[j] = (values[j] - _mean[j]) / _scale[j];
        }
        Span<double> output = stackalloc double[s];
        Network.Step(state, input, output);
    }

    /// <summary>
    /// The next <paramref name="horizon"/> steps after the last observed one, raw scale, <c>[h, S]</c> row-major into
    /// <paramref name="destination"/>: step 1 teacher forced, the rest free running; the state is left as it was.
    /// </summary>
    /// <param name="state">A state that has observed at least one step.</param>
    /// <param name="horizon">h; positive.</param>
    /// <param name="destination">At least h * S values.</param>
    public void Forecast(ReservoirState state, int horizon, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(state);
        int s = SeriesCount;
        if (Differencing && state.Steps == 0)
        {
            // One observation gives a level but no change yet: the forecast is that level.
            if (state.LastObservation is null) ThrowHelper.Argument(nameof(state), "a state with no observations", "observe at least one step first");
            ThrowHelper.ThrowIfTooShort(destination.Length, (long)horizon * s, nameof(destination));
            for (int i = 0; i < horizon * s; i++) destination[i] = state.LastObservation[i % s];
            return;
        }
        double[] standardized = Network.Forecast(state, horizon);
        ThrowHelper.ThrowIfTooShort(destination.Length, standardized.Length, nameof(destination));
        for (int i = 0; i < standardized.Length; i++)
        {
            double value = standardized[i] * _scale[i % s] + _mean[i % s];
            destination[i] = Differencing ? value + (i < s ? state.LastObservation![i] : destination[i - s]) : value;
        }
    }

    /// <summary>The next <paramref name="horizon"/> steps, <c>[h, S]</c> row-major, raw scale.</summary>
    /// <param name="state">A state that has observed at least one step.</param>
    /// <param name="horizon">h; positive.</param>
    public double[] Forecast(ReservoirState state, int horizon)
    {
        ThrowHelper.ThrowIfNotPositive(horizon, nameof(horizon));
        var result = new double[horizon * SeriesCount];
        Forecast(state, horizon, result);
        return result;
    }

    /// <summary>Writes the forecaster (the network's <see cref="ModelFile"/> plus <c>series_mean</c> and <c>series_scale</c>).</summary>
    /// <param name="stream">A writable stream; left open.</param>
    public void Save(Stream stream)
    {
        ModelFile file = Network.ToModelFile();
        file.Configuration.Set("series_mean", _mean.Select(v => (float)v).ToArray());
        file.Configuration.Set("series_scale", _scale.Select(v => (float)v).ToArray());
        file.Configuration.Set("differencing", Differencing);
        file.Write(stream);
    }

    /// <summary>Reads a forecaster written by <see cref="Save"/>.</summary>
    /// <param name="stream">A readable stream; left open.</param>
    /// <exception cref="InvalidDataException">The stream is not a forecaster's model file, or is corrupt.</exception>
    public static ReservoirForecaster Load(Stream stream)
    {
        ModelFile file = ModelFile.Read(stream);
        var network = EchoStateNetwork.FromModelFile(file);
        float[] mean, scale;
        bool differencing;
        try
        {
            differencing = file.Configuration.GetBoolean("differencing");
            mean = file.Configuration.GetSingleArray("series_mean");
            scale = file.Configuration.GetSingleArray("series_scale");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"The forecaster's standardization cannot be read: {e.Message}", e);
        }
        int s = network.InputSize;
        if (mean.Length != s || scale.Length != s)
            ThrowHelper.InvalidData("The length of \"series_mean\" or \"series_scale\"", $"{mean.Length} and {scale.Length}", $"the network reads {s} series");
        foreach (float v in mean)
            if (!float.IsFinite(v)) ThrowHelper.InvalidData("A series mean", v, "it must be finite");
        foreach (float v in scale)
            if (!(v > 0) || !float.IsFinite(v)) ThrowHelper.InvalidData("A series scale", v, "it must be finite and positive");
        return new ReservoirForecaster(network, mean.Select(v => (double)v).ToArray(), scale.Select(v => (double)v).ToArray(), differencing);
    }
}
