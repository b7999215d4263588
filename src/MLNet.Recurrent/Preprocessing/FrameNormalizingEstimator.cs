using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.Preprocessing;

/// <summary>
/// Learns the mean and standard deviation of each of the D features of a sequence-of-frames column (a float
/// vector holding T frames of D features, T varying by row) over all frames of all rows, and standardizes
/// every frame to <c>(x - mean) / std</c>. Recurrent networks train poorly on raw sensor scales; this is
/// their usual first step. Create it with <c>mlContext.Transforms.Recurrent.NormalizeFrames(...)</c>.
/// </summary>
public sealed class FrameNormalizingEstimator : RecurrentEstimatorBase<FrameNormalizingTransformer>
{
    internal const string ComponentName = "NormalizeFrames";

    private readonly Options _options;

    internal FrameNormalizingEstimator(IHostEnvironment env, Options options)
        : base(env, ComponentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.OutputColumnName))
            ThrowHelper.OutOfRange(nameof(Options.OutputColumnName), options.OutputColumnName, "it must name a column");
        if (options.FrameSize < 0)
            ThrowHelper.OutOfRange(nameof(Options.FrameSize), options.FrameSize, "it must be positive, or 0 to take D from the column's dimensions [0, D]");
        _options = new Options
        {
            OutputColumnName = options.OutputColumnName,
            InputColumnName = options.InputColumnName ?? options.OutputColumnName,
            FrameSize = options.FrameSize,
        };
    }

    /// <summary>Defaults of <see cref="Options"/> and of the catalog method's arguments.</summary>
    public static class Defaults
    {
        /// <summary>0: take D from the input column's dimensions <c>[0, D]</c>.</summary>
        public const int FrameSize = 0;
    }

    /// <summary>Options of <see cref="FrameNormalizingEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>The column to write: same type as the input, every frame standardized.</summary>
        public string OutputColumnName { get; set; } = "Features";

        /// <summary>The column to read: a vector of Single holding T frames of D features; null means <see cref="OutputColumnName"/>.</summary>
        public string? InputColumnName { get; set; }

        /// <summary>
        /// D, features per frame. 0 takes D from the column type's dimensions <c>[0, D]</c>
        /// (<c>new VectorDataViewType(NumberDataViewType.Single, 0, D)</c>).
        /// </summary>
        public int FrameSize { get; set; } = Defaults.FrameSize;
    }

    private string InputColumnName => _options.InputColumnName!;

    private protected override IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema)
    {
        SchemaShape.Column input = InputColumns.Require(inputSchema, Name, InputColumnName, ColumnExpectation.FloatFrames(_options.FrameSize));
        return [SchemaShapes.Renamed(new SchemaShape.Column(input.Name, input.Kind, input.ItemType, input.IsKey), _options.OutputColumnName)];
    }

    private protected override FrameNormalizingTransformer FitCore(IDataView input, TrainingSession session)
    {
        DataViewSchema.Column column = InputColumns.Require(input.Schema, Name, InputColumnName, ColumnExpectation.FloatFrames(_options.FrameSize));
        int frameSize = _options.FrameSize > 0 ? _options.FrameSize : FrameSequenceReader.FrameSizeOf(column.Type);
        var moments = new FeatureMoments(frameSize);
        long rows = 0;
        using (DataViewRowCursor cursor = input.GetRowCursor([column]))
        {
            var reader = new FrameSequenceReader(cursor, column, frameSize);
            while (cursor.MoveNext())
            {
                if ((rows++ & 1023) == 0) session.ThrowIfCanceled();
                ReadOnlySpan<float> frames = reader.Read(out _);
                try
                {
                    moments.Add(frames);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidOperationException($"Column '{column.Name}', row {cursor.Position}: {e.Message}", e);
                }
            }
        }
        if (moments.FrameCount == 0)
            throw new InvalidOperationException($"Column '{column.Name}' holds no frames in any of its {rows} rows; {Name} needs at least one frame to learn from.");
        session.Info($"{Name}: learned the mean and standard deviation of {frameSize} features from {moments.FrameCount} frames in {rows} rows.");
        return new FrameNormalizingTransformer(Host, InputColumnName, _options.OutputColumnName, moments.ToStandardizer());
    }
}
