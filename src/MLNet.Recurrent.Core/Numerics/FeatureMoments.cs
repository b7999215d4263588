using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Accumulates the mean and variance of each of D features over any number of frames (Welford's update in
/// double precision, so the result does not drift over millions of frames). Frames are added in order and the
/// result depends only on that order.
/// </summary>
public sealed class FeatureMoments
{
    private readonly double[] _mean;
    private readonly double[] _m2;

    /// <summary>Creates an empty accumulator for frames of <paramref name="featureCount"/> features (D).</summary>
    public FeatureMoments(int featureCount)
    {
        ThrowHelper.ThrowIfNotPositive(featureCount, nameof(featureCount));
        _mean = new double[featureCount];
        _m2 = new double[featureCount];
    }

    /// <summary>Features per frame (D).</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Frames added so far.</summary>
    public long FrameCount { get; private set; }

    /// <summary>Adds frames.</summary>
    /// <param name="frames">Row-major <c>[T, D]</c>; its length must be a multiple of D. Every value must be finite.</param>
    public void Add(ReadOnlySpan<float> frames)
    {
        int d = _mean.Length;
        if (frames.Length % d != 0)
            ThrowHelper.Argument(nameof(frames), $"length {frames.Length}", $"it must be a multiple of the feature count {d}");
        for (int start = 0; start < frames.Length; start += d)
        {
            FrameCount++;
            double n = FrameCount;
            for (int j = 0; j < d; j++)
            {
                float x = frames[start + j];
                if (!float.IsFinite(x))
                    ThrowHelper.Argument(nameof(frames), x, $"every value must be finite (frame {FrameCount - 1}, feature {j})");
                double delta = x - _mean[j];
                _mean[j] += delta / n;
                _m2[j] += delta * (x - _mean[j]);
            }
        }
    }

    /// <summary>
    /// The standardizer <c>(x - mean) / std</c> with the population standard deviation. A feature that never
    /// varies gets std 1, so it maps to 0 instead of dividing by zero.
    /// </summary>
    public FeatureStandardizer ToStandardizer()
    {
        if (FrameCount == 0) ThrowHelper.InvalidOperation("No frames were added; the mean and standard deviation of an empty set are undefined.");
        int d = _mean.Length;
        var mean = new float[d];
        var std = new float[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = (float)_mean[j];
            double s = Math.Sqrt(_m2[j] / FrameCount);
            std[j] = s > 0 && (float)s > 0 ? (float)s : 1f;
        }
        return new FeatureStandardizer(mean, std);
    }
}
