using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// Compute settings. Results never depend on <see cref="MaxThreads"/>: work is split over output blocks only,
/// never over a reduction, so 1 thread and N threads give bit-identical numbers.
/// </summary>
public static class ComputeSettings
{
    private static readonly AsyncLocal<int> s_scoped = new();
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// The most threads a kernel called from this thread (or async flow) may use: the innermost
    /// <see cref="UseThreads"/> scope's count, else the process-wide default (<see cref="Environment.ProcessorCount"/>
    /// unless set). Setting it changes the process-wide default.
    /// </summary>
    public static int MaxThreads
    {
        get => s_scoped.Value > 0 ? s_scoped.Value : s_maxThreads;
        set
        {
            ThrowHelper.ThrowIfNotPositive(value, nameof(MaxThreads));
            s_maxThreads = value;
        }
    }

    /// <summary>
    /// Limits the kernels called from the current thread and its async flow to <paramref name="maxThreads"/> until the
    /// returned scope is disposed. Other threads keep their own setting, so two trainings with different limits
    /// can run at once without racing on a process-wide value.
    /// </summary>
    /// <param name="maxThreads">The most threads; must be positive.</param>
    public static IDisposable UseThreads(int maxThreads)
    {
        ThrowHelper.ThrowIfNotPositive(maxThreads, nameof(maxThreads));
        var scope = new Scope(s_scoped.Value);
        s_scoped.Value = maxThreads;
        return scope;
    }

    private sealed class Scope(int previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_scoped.Value = previous;
        }
    }
}
