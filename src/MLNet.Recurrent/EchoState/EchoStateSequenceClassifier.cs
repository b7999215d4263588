using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.EchoState;

/// <summary>
/// Sequence classification with a fixed random reservoir (<see cref="ReservoirClassifier"/>): each row's T frames run
/// through the reservoir, the mean or last state feeds a ridge or logistic readout; only the readout is fitted, so
/// training takes one pass and a solve. Adds <c>Score</c> (K values, <c>SlotNames</c>) and a key <c>PredictedLabel</c>
/// (<c>KeyValues</c>). Create it with <c>mlContext.Transforms.Recurrent.EchoStateSequenceClassifier(...)</c>.
/// </summary>
public sealed partial class EchoStateSequenceClassifier : RecurrentEstimatorBase<EchoStateClassificationTransformer>
{
    internal const string ComponentName = "EchoStateSequenceClassifier";

    private readonly Options _options;

    internal EchoStateSequenceClassifier(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FrameSize < 0) ThrowHelper.OutOfRange(nameof(Options.FrameSize), options.FrameSize, "it must be positive, or 0 to take D from the column's dimensions [0, D]");
        if (!Enum.IsDefined(options.Pooling)) ThrowHelper.OutOfRange(nameof(Options.Pooling), options.Pooling, "it must be Mean or Last");
        if (!Enum.IsDefined(options.Readout)) ThrowHelper.OutOfRange(nameof(Options.Readout), options.Readout, "it must be Ridge or Logistic");
        _options = (Options)options.Clone(); // later changes to the caller's object do not change this estimator
        _options.Validate();
        NetworkOptions(1, 2, 0).Validate();
    }

    /// <inheritdoc/>
    private protected override RecurrentTrainerOptions TrainerOptions => _options;

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        InputColumns.Require(inputSchema, Name, _options.FeatureColumnName, ColumnExpectation.FloatFrames(_options.FrameSize));
        InputColumns.Require(inputSchema, Name, _options.LabelColumnName, ColumnExpectation.ScalarKey());
        return EchoStateClassificationTransformer.OutputShapes();
    }

    private protected override EchoStateClassificationTransformer FitCore(IDataView input, TrainingSession session)
    {
        var features = InputColumns.Require(input.Schema, Name, _options.FeatureColumnName, ColumnExpectation.FloatFrames(_options.FrameSize));
        var label = InputColumns.Require(input.Schema, Name, _options.LabelColumnName, ColumnExpectation.ScalarKey());
        int frameSize = _options.FrameSize > 0 ? _options.FrameSize : FrameSequenceReader.FrameSizeOf(features.Type);
        int classCount = ClassLabelReader.ClassCountOf(label.Type);
        if (classCount < 2) ThrowHelper.ColumnType(Name, label.Name, ThrowHelper.Describe(label.Type), "a key label with at least 2 classes");
        var sequences = new List<double[]>();
        var labels = new List<int>();
        long skipped = 0, rows = 0;
        using (DataViewRowCursor cursor = input.GetRowCursor([features, label]))
        {
            var frames = new FrameSequenceReader(cursor, features, frameSize);
            var classes = new ClassLabelReader(cursor, label);
            while (cursor.MoveNext())
            {
                if ((rows++ & 1023) == 0) session.ThrowIfCanceled();
                int c = classes.Read();
                ReadOnlySpan<float> values = frames.Read(out int count);
                if (c < 0 || count == 0)
                {
                    skipped++;
                    continue;
                }
                var sequence = new double[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    if (!float.IsFinite(values[i])) ThrowHelper.RowValue(features.Name, cursor.Position, $"frame {i / frameSize}, feature {i % frameSize} holds {values[i]}; every value must be finite");
                    sequence[i] = values[i];
                }
                sequences.Add(sequence);
                labels.Add(c);
            }
        }
        if (sequences.Count == 0)
            throw new InvalidOperationException($"Columns '{features.Name}' and '{label.Name}' hold no labelled, non-empty sequence in any of their {rows} rows; {Name} needs at least one.");
        if (skipped > 0) session.Warning($"{Name}: skipped {skipped} rows with a missing label or no frames.");
        var classifier = ReservoirClassifier.Fit(NetworkOptions(frameSize, classCount, session.Seed), sequences, labels,
            _options.Pooling, _options.Readout, session.CancellationToken);
        session.Info($"{Name}: {_options.ReservoirSize} units (spectral radius {classifier.Reservoir.SpectralRadius:F4}), {_options.Readout} readout on {sequences.Count} sequences, {classCount} classes.");
        string[] names = Annotations.ReadKeyValuesAsText(label) is { } found && found.Length == classCount
            ? found
            : Enumerable.Range(1, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new EchoStateClassificationTransformer(Host, _options.FeatureColumnName, frameSize, names, classifier);
    }

    private EchoStateNetworkOptions NetworkOptions(int frameSize, int classCount, int seed) => new()
    {
        InputSize = frameSize,
        OutputSize = classCount,
        ReservoirSize = _options.ReservoirSize,
        SpectralRadius = _options.SpectralRadius,
        LeakRate = _options.LeakRate,
        Ridge = _options.Ridge,
        Washout = _options.Washout,
        InputScaling = _options.InputScaling,
        InputConnectivity = _options.InputConnectivity,
        Seed = seed,
    };
}
