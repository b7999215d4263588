using System.Diagnostics;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Thread-pool helpers for <see cref="ParallelJob"/>s (GEMMs and fused recurrent steps). A caller publishes its job in a slot and asks for helpers;
/// a helper takes tasks from any published job, then keeps looking for about <see cref="LingerMicroseconds"/>
/// before it returns its thread to the pool. A recurrent layer calls GEMM once per time step with little
/// work in between, so the helpers of one step are usually still there for the next, and no hand-off waits
/// on the thread pool. Helpers are counted, so no more are ever queued than there are cores to use, and the
/// one work item is a singleton, so asking for help allocates nothing.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>How long an idle helper keeps looking for work before it leaves.</summary>
    private const int LingerMicroseconds = 100;

    private static readonly ParallelJob?[] s_slots = new ParallelJob?[16];
    private static readonly Helper s_helper = new();
    private static int s_helpers;

    /// <summary>Publishes <paramref name="job"/> and makes sure <paramref name="helpers"/> helpers exist; returns its slot, or -1 when all are taken (the caller then works alone).</summary>
    public static int Publish(ParallelJob job, int helpers)
    {
        int slot = -1;
        for (int i = 0; i < s_slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref s_slots[i], job, null) is null)
            {
                slot = i;
                break;
            }
        }
        if (slot < 0) return -1;
        helpers = Math.Min(helpers, Environment.ProcessorCount - 1);
        while (true)
        {
            int current = Volatile.Read(ref s_helpers);
            if (current >= helpers) break;
            if (Interlocked.CompareExchange(ref s_helpers, current + 1, current) == current)
            {
                ThreadPool.UnsafeQueueUserWorkItem(s_helper, preferLocal: false);
            }
        }
        return slot;
    }

    /// <summary>Removes a finished job from its slot.</summary>
    public static void Withdraw(int slot) => Volatile.Write(ref s_slots[slot], null);

    private static bool HelpOnce()
    {
        bool helped = false;
        for (int i = 0; i < s_slots.Length; i++)
        {
            var job = Volatile.Read(ref s_slots[i]);
            if (job is null || !job.HasWork) continue;
            job.Acquire();
            // The job may have been withdrawn (and even reused) between the read and Acquire; only a job
            // still in its slot is one whose fields belong to the current call.
            if (Volatile.Read(ref s_slots[i]) == job)
            {
                job.Help();
                helped = true;
            }
            job.Release();
        }
        return helped;
    }

    private sealed class Helper : IThreadPoolWorkItem
    {
        public void Execute()
        {
            long lastWork = Stopwatch.GetTimestamp();
            long linger = Stopwatch.Frequency * LingerMicroseconds / 1_000_000;
            while (true)
            {
                if (HelpOnce()) lastWork = Stopwatch.GetTimestamp();
                else if (Stopwatch.GetTimestamp() - lastWork > linger) break;
                // A short pause between looks: a one-row step (latency e) is a few microseconds, and a helper that
                // looked less often (SpinWait(30)) came late to half of them (`-- rowstep`, the split gained less).
                else Thread.SpinWait(4);
            }
            Interlocked.Decrement(ref s_helpers);
            // A job published just before the decrement counted on this helper; look once more.
            HelpOnce();
        }
    }
}
