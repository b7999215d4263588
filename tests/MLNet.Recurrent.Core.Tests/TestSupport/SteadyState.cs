namespace MLNet.Recurrent.Core.Tests.TestSupport;

/// <summary>
/// Measures what a warmed-up call allocates on the current thread. A garbage collection started by another test's
/// thread can add the unused rest of this thread's allocation context to its count (8,160 bytes, seen on loaded
/// CI machines) although nothing was allocated here; so the call is measured in up to <c>rounds</c> rounds and the
/// smallest count is returned. An allocation the call makes itself shows in every round.
/// </summary>
internal static class SteadyState
{
    /// <summary>The smallest number of bytes <paramref name="call"/> allocated in one of up to <paramref name="rounds"/> rounds (stops at the first 0).</summary>
    public static long AllocatedBytes(Action call, int rounds = 5)
    {
        long least = long.MaxValue;
        for (int round = 0; round < rounds && least != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
