using MLNet.Recurrent.Preprocessing;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Standardizes a sequence-of-frames column (a Single vector holding T frames of D features) to zero mean
    /// and unit variance per feature, learning the statistics over all frames of all rows.
    /// </summary>
    /// <param name="outputColumnName">The column to write; same type as the input.</param>
    /// <param name="inputColumnName">The column to read; null means <paramref name="outputColumnName"/>.</param>
    /// <param name="frameSize">D, features per frame; 0 takes it from the column's dimensions <c>[0, D]</c>.</param>
    public FrameNormalizingEstimator NormalizeFrames(string outputColumnName, string? inputColumnName = null,
        int frameSize = FrameNormalizingEstimator.Defaults.FrameSize) =>
        new(Environment, new FrameNormalizingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            FrameSize = frameSize,
        });

    /// <summary>Standardizes a sequence-of-frames column; see <see cref="FrameNormalizingEstimator"/>.</summary>
    /// <param name="options">The columns and frame size.</param>
    public FrameNormalizingEstimator NormalizeFrames(FrameNormalizingEstimator.Options options) => new(Environment, options);
}
