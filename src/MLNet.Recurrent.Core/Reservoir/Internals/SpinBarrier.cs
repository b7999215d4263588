namespace MLNet.Recurrent.Core.Reservoir.Internals;

/// <summary>
/// A barrier for a few threads that meet every few microseconds (one reservoir step): arrivals count down with one
/// interlocked operation and waiters spin on the phase, yielding their core now and then so a loaded machine is not
/// made worse. <see cref="Abort"/> releases every waiter (a thread failed).
/// </summary>
internal sealed class SpinBarrier(int participants)
{
    /// <summary>Spins between yields of the core.</summary>
    private const int SpinsPerYield = 256;

    private readonly int _participants = participants;
    private int _remaining = participants;
    private int _phase;
    private volatile bool _aborted;

    /// <summary>Waits until every participant has arrived; false when the barrier was aborted.</summary>
    public bool SignalAndWait()
    {
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _participants;
            Interlocked.Increment(ref _phase);
            return !_aborted;
        }
        int spins = 0;
        while (Volatile.Read(ref _phase) == phase)
        {
            if (_aborted) return false;
            if (++spins % SpinsPerYield == 0) Thread.Yield();
            else Thread.SpinWait(1);
        }
        return !_aborted;
    }

    /// <summary>Releases every waiter, now and later, with false.</summary>
    public void Abort() => _aborted = true;
}
