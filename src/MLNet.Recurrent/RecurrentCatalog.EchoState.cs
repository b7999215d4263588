using MLNet.Recurrent.Core.Reservoir;
using Classifier = MLNet.Recurrent.EchoState.EchoStateSequenceClassifier;
using Forecaster = MLNet.Recurrent.EchoState.EchoStateForecaster;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Fits an echo state network forecaster on a time-ordered numeric column (one row per step; a single Single, or a
    /// known-size vector of Single for several series observed together) and writes at each row the forecasts of
    /// the next <paramref name="horizon"/> steps. See <see cref="Forecaster"/>; the
    /// <see cref="Forecaster.Options"/> overload sets everything else.
    /// </summary>
    /// <param name="outputColumnName">The forecasts: a vector of <c>horizon * S</c> Single.</param>
    /// <param name="inputColumnName">The series, rows in time order.</param>
    /// <param name="horizon">h: steps forecast after each row.</param>
    /// <param name="reservoirSize">N: reservoir units.</param>
    /// <param name="spectralRadius">The spectral radius of the recurrent weights.</param>
    /// <param name="leakRate">a: the leak rate, in (0, 1].</param>
    /// <param name="ridge">The ridge penalty of the readout.</param>
    /// <param name="washout">Steps at the start whose states the readout ignores.</param>
    public Forecaster EchoStateForecaster(
        string outputColumnName = Forecaster.Defaults.OutputColumnName,
        string inputColumnName = Forecaster.Defaults.InputColumnName,
        int horizon = Forecaster.Defaults.Horizon,
        int reservoirSize = Forecaster.Defaults.ReservoirSize,
        double spectralRadius = Forecaster.Defaults.SpectralRadius,
        double leakRate = Forecaster.Defaults.LeakRate,
        double ridge = Forecaster.Defaults.Ridge,
        int washout = Forecaster.Defaults.Washout) =>
        new(Environment, new Forecaster.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Horizon = horizon,
            ReservoirSize = reservoirSize,
            SpectralRadius = spectralRadius,
            LeakRate = leakRate,
            Ridge = ridge,
            Washout = washout,
        });

    /// <summary>Fits an echo state network forecaster; see <see cref="Forecaster"/>.</summary>
    /// <param name="options">The columns, horizon, reservoir and readout.</param>
    public Forecaster EchoStateForecaster(Forecaster.Options options) => new(Environment, options);

    /// <summary>
    /// Classifies each row's sequence of frames with a fixed random reservoir and a fitted ridge or logistic readout on
    /// its mean or last state: trains in one pass and a solve. See <see cref="Classifier"/>; the
    /// <see cref="Classifier.Options"/> overload sets everything else.
    /// </summary>
    /// <param name="labelColumnName">The label: a single key.</param>
    /// <param name="featureColumnName">The sequence: a vector of Single with dimensions <c>[0, D]</c>.</param>
    /// <param name="reservoirSize">N: reservoir units.</param>
    /// <param name="spectralRadius">The spectral radius of the recurrent weights.</param>
    /// <param name="leakRate">a: the leak rate, in (0, 1].</param>
    /// <param name="pooling">Mean or last state.</param>
    /// <param name="readout">Ridge or logistic readout.</param>
    /// <param name="ridge">The readout's ridge (or L2) penalty.</param>
    public Classifier EchoStateSequenceClassifier(
        string labelColumnName = Classifier.Defaults.LabelColumnName,
        string featureColumnName = Classifier.Defaults.FeatureColumnName,
        int reservoirSize = Classifier.Defaults.ReservoirSize,
        double spectralRadius = Classifier.Defaults.SpectralRadius,
        double leakRate = Classifier.Defaults.LeakRate,
        ReservoirPooling pooling = Classifier.Defaults.Pooling,
        ReservoirReadout readout = Classifier.Defaults.Readout,
        double ridge = Classifier.Defaults.Ridge) =>
        new(Environment, new Classifier.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ReservoirSize = reservoirSize,
            SpectralRadius = spectralRadius,
            LeakRate = leakRate,
            Pooling = pooling,
            Readout = readout,
            Ridge = ridge,
        });

    /// <summary>Classifies sequences with a fixed reservoir and a fitted readout; see <see cref="Classifier"/>.</summary>
    /// <param name="options">The columns, reservoir and readout.</param>
    public Classifier EchoStateSequenceClassifier(Classifier.Options options) => new(Environment, options);
}
