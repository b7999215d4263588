using Microsoft.ML.SearchSpace;

namespace MLNet.Recurrent.EchoState;

public sealed partial class EchoStateForecaster
{
    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments.</summary>
    public static class Defaults
    {
        /// <summary>The column written: "Forecast".</summary>
        public const string OutputColumnName = "Forecast";

        /// <summary>The column read: "Value".</summary>
        public const string InputColumnName = "Value";

        /// <summary>Forecast 1 step ahead.</summary>
        public const int Horizon = 1;

        /// <summary>100 reservoir units.</summary>
        public const int ReservoirSize = 100;

        /// <summary>Spectral radius 0.9 (below 1: the echo state property holds for any input).</summary>
        public const double SpectralRadius = 0.9;

        /// <summary>Leak rate 0.3: each unit keeps 70% of its previous value, a smoother, longer memory.</summary>
        public const double LeakRate = 0.3;

        /// <summary>Ridge penalty 1e-6.</summary>
        public const double Ridge = 1e-6;

        /// <summary>The first 100 states of the series are discarded.</summary>
        public const int Washout = 100;

        /// <summary>10% of the recurrent weights are nonzero.</summary>
        public const double Connectivity = 0.1;

        /// <summary>10% of the input weights and biases are nonzero.</summary>
        public const double InputConnectivity = 0.1;

        /// <summary>Input weights +-1 (on standardized values).</summary>
        public const double InputScaling = 1;

        /// <summary>Biases +-1.</summary>
        public const double BiasScaling = 1;

        /// <summary>The readout sees the current values as well as the reservoir (persistence is one weight away).</summary>
        public const bool ReadoutIncludesInput = true;

        /// <summary>The values themselves are modelled, not their changes.</summary>
        public const bool Differencing = false;

        /// <summary>Each series standardized to mean 0, standard deviation 1 before the reservoir reads it.</summary>
        public const bool Standardize = true;
    }

    /// <summary>
    /// Options of <see cref="EchoStateForecaster"/>. Every property is settable and has a default (see <see cref="Defaults"/>).
    /// </summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>
        /// The column written: a vector of Single of h * S values, the forecasts of the next h steps (step-major: the
        /// S series of step t+1, then of t+2, ...). Dimensions <c>[h, S]</c> when S &gt; 1.
        /// </summary>
        public string OutputColumnName { get; set; } = Defaults.OutputColumnName;

        /// <summary>
        /// The column read, one row per time step in time order: a single Single (one series) or a vector of Single of
        /// known size S (S series observed together). Every value must be finite.
        /// </summary>
        public string InputColumnName { get; set; } = Defaults.InputColumnName;

        /// <summary>h: steps forecast after each row; positive. Step 1 uses the row's true value (teacher forced), steps 2..h feed the forecasts back.</summary>
        public int Horizon { get; set; } = Defaults.Horizon;

        /// <summary>N: reservoir units; positive.</summary>
        [Range(50, 2000, Defaults.ReservoirSize, logBase: true)]
        public int ReservoirSize { get; set; } = Defaults.ReservoirSize;

        /// <summary>The spectral radius the recurrent weights are rescaled to; finite, positive.</summary>
        [Range(0.1, 1.5, Defaults.SpectralRadius)]
        public double SpectralRadius { get; set; } = Defaults.SpectralRadius;

        /// <summary>a, the leak rate, in (0, 1].</summary>
        [Range(0.05, 1.0, Defaults.LeakRate, logBase: true)]
        public double LeakRate { get; set; } = Defaults.LeakRate;

        /// <summary>The ridge penalty of the readout; finite, zero or positive.</summary>
        [Range(1e-9, 1.0, Defaults.Ridge, logBase: true)]
        public double Ridge { get; set; } = Defaults.Ridge;

        /// <summary>Steps at the start of the training series whose states are discarded; zero or positive, below the row count - 1.</summary>
        public int Washout { get; set; } = Defaults.Washout;

        /// <summary>The probability a recurrent weight is nonzero, in (0, 1].</summary>
        [Range(0.01, 1.0, Defaults.Connectivity, logBase: true)]
        public double Connectivity { get; set; } = Defaults.Connectivity;

        /// <summary>The probability an input weight or bias is nonzero, in (0, 1].</summary>
        [Range(0.01, 1.0, Defaults.InputConnectivity, logBase: true)]
        public double InputConnectivity { get; set; } = Defaults.InputConnectivity;

        /// <summary>The magnitude of the nonzero input weights.</summary>
        [Range(0.1, 5.0, Defaults.InputScaling, logBase: true)]
        public double InputScaling { get; set; } = Defaults.InputScaling;

        /// <summary>The magnitude of the nonzero biases.</summary>
        [Range(0.0, 2.0, Defaults.BiasScaling)]
        public double BiasScaling { get; set; } = Defaults.BiasScaling;

        /// <summary>The magnitude of the output-feedback weights; 0 for none.</summary>
        public double FeedbackScaling { get; set; }

        /// <summary>Whether the readout also sees the current values: <c>y = W_out [1; u; x]</c> rather than <c>W_out [1; x]</c>.</summary>
        [BooleanChoice(Defaults.ReadoutIncludesInput)]
        public bool ReadoutIncludesInput { get; set; } = Defaults.ReadoutIncludesInput;

        /// <summary>
        /// Whether the network models the step-to-step changes (forecasts are the last value plus predicted changes):
        /// better for slowly drifting readings whose level leaves the range seen at fit.
        /// </summary>
        [BooleanChoice(Defaults.Differencing)]
        public bool Differencing { get; set; } = Defaults.Differencing;

        /// <summary>Whether each series is standardized (mean and standard deviation learned at fit) before the reservoir reads it.</summary>
        [BooleanChoice(Defaults.Standardize)]
        public bool Standardize { get; set; } = Defaults.Standardize;

    }
}
