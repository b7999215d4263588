using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.EchoState.Internals;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.EchoState;

/// <summary>
/// Fits an echo state network forecaster (<see cref="ReservoirForecaster"/>) on a time-ordered numeric column, one
/// row per step: a fixed random reservoir reads the series and a ridge readout, solved once, predicts the next
/// step. The fitted <see cref="EchoStateForecastTransformer"/> reads any rows in order from a fresh reservoir and
/// writes, at each row, the forecasts of the next h steps. Create it with
/// <c>mlContext.Transforms.Recurrent.EchoStateForecaster(...)</c>.
/// </summary>
public sealed partial class EchoStateForecaster : RecurrentEstimatorBase<EchoStateForecastTransformer>
{
    internal const string ComponentName = "EchoStateForecaster";

    private readonly Options _options;

    internal EchoStateForecaster(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.OutputColumnName))
            ThrowHelper.OutOfRange(nameof(Options.OutputColumnName), options.OutputColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(options.InputColumnName))
            ThrowHelper.OutOfRange(nameof(Options.InputColumnName), options.InputColumnName, "it must name a column");
        if (options.Horizon <= 0) ThrowHelper.OutOfRange(nameof(Options.Horizon), options.Horizon, "it must be positive");
        _options = (Options)options.Clone(); // later changes to the caller's object do not change this estimator
        _options.Validate();
        NetworkOptions(1, 0).Validate(); // the network's own checks, now rather than at Fit
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.InputColumnName, ColumnExpectation.SeriesStep());
        return [SchemaShapes.Vector(_options.OutputColumnName, NumberDataViewType.Single, variableLength: false)];
    }

    private protected override EchoStateForecastTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column column = InputColumns.Require(input.Schema, Name, _options.InputColumnName, ColumnExpectation.SeriesStep());
        int s = column.Type is VectorDataViewType v ? v.Size : 1;
        double[] series = SeriesColumnReader.ReadAll(input, column, session);
        int steps = series.Length / s;
        int needed = _options.Washout + (_options.Differencing ? 3 : 2);
        if (steps < needed)
            ThrowHelper.OutOfRange(nameof(Options.Washout), _options.Washout,
                $"column '{column.Name}' has {steps} rows; {Name} needs at least washout + {needed - _options.Washout} rows ({needed}) to learn from");
        int seed = session.Seed;
        ReservoirForecaster forecaster;
        try
        {
            forecaster = ReservoirForecaster.Fit(NetworkOptions(s, seed), [series], _options.Standardize, _options.Differencing, session.CancellationToken);
        }
        catch (ArgumentException e) when (e.ParamName is "series")
        {
            throw new InvalidOperationException($"Column '{column.Name}': {e.Message}", e);
        }
        session.Info($"{Name}: {steps} steps of {s} series, {_options.ReservoirSize} units, spectral radius {forecaster.Network.SpectralRadius:F4}, " +
            $"readout solved on {forecaster.Network.TrainingRows} rows.");
        return new EchoStateForecastTransformer(Host, _options.InputColumnName, _options.OutputColumnName, _options.Horizon, forecaster);
    }

    private EchoStateNetworkOptions NetworkOptions(int seriesCount, int seed) => new()
    {
        InputSize = seriesCount,
        OutputSize = seriesCount,
        ReservoirSize = _options.ReservoirSize,
        SpectralRadius = _options.SpectralRadius,
        LeakRate = _options.LeakRate,
        Ridge = _options.Ridge,
        Washout = _options.Washout,
        Connectivity = _options.Connectivity,
        InputConnectivity = _options.InputConnectivity,
        InputScaling = _options.InputScaling,
        BiasScaling = _options.BiasScaling,
        FeedbackScaling = _options.FeedbackScaling,
        ReadoutIncludesInput = _options.ReadoutIncludesInput,
        Seed = seed,
    };
}
