using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation;

/// <summary>Counts of real steps by gold class (rows) and predicted class (columns).</summary>
public sealed class LabelConfusionMatrix
{
    private readonly long[] _counts;

    internal LabelConfusionMatrix(int classCount, long[] counts)
    {
        ClassCount = classCount;
        _counts = counts;
    }

    /// <summary>K, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The steps of gold class <paramref name="gold"/> predicted as <paramref name="predicted"/>.</summary>
    /// <param name="gold">The gold class, in [0, K).</param>
    /// <param name="predicted">The predicted class, in [0, K).</param>
    public long this[int gold, int predicted]
    {
        get
        {
            if ((uint)gold >= (uint)ClassCount) ThrowHelper.OutOfRange(nameof(gold), gold, $"it must be in [0, {ClassCount})");
            if ((uint)predicted >= (uint)ClassCount) ThrowHelper.OutOfRange(nameof(predicted), predicted, $"it must be in [0, {ClassCount})");
            return _counts[gold * ClassCount + predicted];
        }
    }

    /// <summary>A copy of the counts as a [K, K] array, rows gold, columns predicted.</summary>
    public long[,] ToArray()
    {
        var a = new long[ClassCount, ClassCount];
        for (int g = 0; g < ClassCount; g++)
            for (int p = 0; p < ClassCount; p++) a[g, p] = _counts[g * ClassCount + p];
        return a;
    }
}
