using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Process-wide compute settings. Results never depend on <see cref="MaxThreads"/>: work is split over
/// output blocks only, never over a reduction, so 1 thread and N threads give bit-identical numbers.
/// </summary>
public static class ComputeSettings
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>The most threads a kernel may use; defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ThrowHelper.ThrowIfNotPositive(value, nameof(MaxThreads));
            s_maxThreads = value;
        }
    }
}
