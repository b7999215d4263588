namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Each thread's few reusable <see cref="ParallelJob"/>s of one kind, so a steady-state call allocates nothing. A helper
/// may still hold a just-finished job for a moment, so a thread keeps several and takes one no helper holds.
/// </summary>
internal static class JobPool<T> where T : ParallelJob, new()
{
    private const int JobsPerThread = 4;

    [ThreadStatic] private static T?[]? t_jobs;

    /// <summary>Returns one of this thread's jobs that no late helper still holds, else a new one.</summary>
    internal static T Rent()
    {
        var jobs = t_jobs ??= new T?[JobsPerThread];
        for (int i = 0; i < jobs.Length; i++)
        {
            var job = jobs[i] ??= new T();
            if (job.IsFree) return job;
        }
        return new T();
    }
}
