using Microsoft.ML.SearchSpace;
using MLNet.Recurrent.Core.Reservoir;

namespace MLNet.Recurrent.EchoState;

public sealed partial class EchoStateSequenceClassifier
{
    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments.</summary>
    public static class Defaults
    {
        /// <summary>The label column: "Label".</summary>
        public const string LabelColumnName = "Label";

        /// <summary>The feature column: "Features".</summary>
        public const string FeatureColumnName = "Features";

        /// <summary>0: take D from the feature column's dimensions <c>[0, D]</c>.</summary>
        public const int FrameSize = 0;

        /// <summary>200 reservoir units.</summary>
        public const int ReservoirSize = 200;

        /// <summary>Spectral radius 0.9.</summary>
        public const double SpectralRadius = 0.9;

        /// <summary>Leak rate 0.3.</summary>
        public const double LeakRate = 0.3;

        /// <summary>Ridge penalty 1e-3 (also the logistic readout's L2 penalty).</summary>
        public const double Ridge = 1e-3;

        /// <summary>Mean pooling of the states.</summary>
        public const ReservoirPooling Pooling = ReservoirPooling.Mean;

        /// <summary>A ridge readout (one linear solve).</summary>
        public const ReservoirReadout Readout = ReservoirReadout.Ridge;

        /// <summary>Mean pooling skips no steps.</summary>
        public const int Washout = 0;

        /// <summary>Input weights +-1 (standardize the frames first, e.g. with NormalizeFrames).</summary>
        public const double InputScaling = 1;

        /// <summary>Every input weight nonzero (the frames are short and every feature matters).</summary>
        public const double InputConnectivity = 1;
    }

    /// <summary>Options of <see cref="EchoStateSequenceClassifier"/>. Every property is settable and has a default (see <see cref="Defaults"/>).</summary>
    public sealed class Options : RecurrentTrainerOptions
    {
        /// <summary>The label: a single key (from <c>MapValueToKey</c>, K &gt;= 2 classes); rows with the missing key are skipped.</summary>
        public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

        /// <summary>The sequence: a vector of Single holding T frames of D features; rows with no frames are skipped at fit.</summary>
        public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

        /// <summary>D; 0 takes it from the column's dimensions <c>[0, D]</c>.</summary>
        public int FrameSize { get; set; } = Defaults.FrameSize;

        /// <summary>N: reservoir units.</summary>
        [Range(50, 2000, Defaults.ReservoirSize, logBase: true)]
        public int ReservoirSize { get; set; } = Defaults.ReservoirSize;

        /// <summary>The spectral radius of the recurrent weights.</summary>
        [Range(0.1, 1.5, Defaults.SpectralRadius)]
        public double SpectralRadius { get; set; } = Defaults.SpectralRadius;

        /// <summary>a: the leak rate, in (0, 1].</summary>
        [Range(0.05, 1.0, Defaults.LeakRate, logBase: true)]
        public double LeakRate { get; set; } = Defaults.LeakRate;

        /// <summary>The readout's ridge (or L2) penalty.</summary>
        [Range(1e-6, 10.0, Defaults.Ridge, logBase: true)]
        public double Ridge { get; set; } = Defaults.Ridge;

        /// <summary>Mean or last state.</summary>
        [Choice(new object[] { ReservoirPooling.Mean, ReservoirPooling.Last }, Defaults.Pooling)]
        public ReservoirPooling Pooling { get; set; } = Defaults.Pooling;

        /// <summary>Ridge or logistic readout.</summary>
        [Choice(new object[] { ReservoirReadout.Ridge, ReservoirReadout.Logistic }, Defaults.Readout)]
        public ReservoirReadout Readout { get; set; } = Defaults.Readout;

        /// <summary>Steps mean pooling skips when a sequence is longer.</summary>
        public int Washout { get; set; } = Defaults.Washout;

        /// <summary>The magnitude of the input weights.</summary>
        [Range(0.1, 5.0, Defaults.InputScaling, logBase: true)]
        public double InputScaling { get; set; } = Defaults.InputScaling;

        /// <summary>The probability an input weight is nonzero, in (0, 1].</summary>
        [Range(0.05, 1.0, Defaults.InputConnectivity, logBase: true)]
        public double InputConnectivity { get; set; } = Defaults.InputConnectivity;

    }
}
