using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Maps each frame of D features to <c>(x - mean) / std</c>, feature by feature. Built by
/// <see cref="FeatureMoments.ToStandardizer"/> or read back with <see cref="ReadFrom"/>.
/// </summary>
public sealed class FeatureStandardizer
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a standardizer from per-feature means and (positive) standard deviations, both of length D.</summary>
    public FeatureStandardizer(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        ThrowHelper.ThrowIfNotPositive(mean.Length, "mean.Length");
        if (std.Length != mean.Length)
            ThrowHelper.Argument(nameof(std), $"length {std.Length}", $"it must match the length of 'mean', {mean.Length}");
        for (int j = 0; j < std.Length; j++)
            if (!(std[j] > 0) || !float.IsFinite(std[j]) || !float.IsFinite(mean[j]))
                ThrowHelper.Argument(nameof(std), $"std[{j}] = {ThrowHelper.Show(std[j])}, mean[{j}] = {ThrowHelper.Show(mean[j])}", "every std must be positive and finite and every mean finite");
        _mean = mean;
        _std = std;
    }

    /// <summary>Features per frame (D).</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Per-feature means, length D.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>Per-feature standard deviations, length D.</summary>
    public ReadOnlySpan<float> StandardDeviation => _std;

    /// <summary>Standardizes frames.</summary>
    /// <param name="frames">Row-major <c>[T, D]</c>; length a multiple of D.</param>
    /// <param name="destination"><c>[T, D]</c>, same length as <paramref name="frames"/>; may be the same memory.</param>
    public void Apply(ReadOnlySpan<float> frames, Span<float> destination)
    {
        int d = _mean.Length;
        if (frames.Length % d != 0)
            ThrowHelper.Argument(nameof(frames), $"length {frames.Length}", $"it must be a multiple of the feature count {d}");
        ThrowHelper.ThrowIfTooShort(destination.Length, frames.Length, nameof(destination));
        for (int start = 0; start < frames.Length; start += d)
        {
            Span<float> row = destination.Slice(start, d);
            TensorPrimitives.Subtract(frames.Slice(start, d), _mean, row);
            TensorPrimitives.Divide(row, _std, row);
        }
    }

    /// <summary>Writes D, the means and the standard deviations (little-endian float32).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_mean.Length);
        foreach (float m in _mean) writer.Write(m);
        foreach (float s in _std) writer.Write(s);
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    public static FeatureStandardizer ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int d = reader.ReadInt32();
        if (d <= 0 || d > 1 << 24) throw new InvalidDataException($"Feature count was {d}; a saved standardizer has between 1 and 2^24 features.");
        var mean = new float[d];
        var std = new float[d];
        for (int j = 0; j < d; j++) mean[j] = reader.ReadSingle();
        for (int j = 0; j < d; j++) std[j] = reader.ReadSingle();
        return new FeatureStandardizer(mean, std);
    }
}
