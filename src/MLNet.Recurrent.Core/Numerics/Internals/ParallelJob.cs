namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Work split into numbered tasks that the calling thread and the <see cref="GemmWorkers"/> helpers take from the two
/// ends of one shared range: the caller from the front (0, 1, ...), helpers from the back (n - 1, n - 2, ...). Each task
/// writes its own part of the output, so the split (and hence the thread count) cannot change any bit of the result.
/// The caller waits only for tasks a helper has already begun, so a busy machine costs speed, never progress.
/// </summary>
/// <remarks>
/// <para>Taking from the two ends keeps a thread on the same tasks from one call to the next when the threads keep pace
/// (a recurrent layer's step product: each core then multiplies by the same part of W_hh every step, which stays in its
/// own cache), while a late or descheduled helper only shifts where the two meet, one task at a time, instead of
/// leaving the caller waiting on half of the work.</para>
/// <para>A job is reused by its calling thread once no helper holds a reference to it (helpers count themselves in
/// <see cref="_references"/> while they look at a job, and re-check that it is still published).</para>
/// </remarks>
internal abstract class ParallelJob
{
    // The tasks not yet taken, [front, back): front in the low 32 bits, back in the high 32 bits, changed by
    // compare-and-swap so that the two ends never hand out the same task.
    private long _range;
    private int _done, _references;

    /// <summary>Whether no late helper still holds this job, so its owner may reuse it.</summary>
    internal bool IsFree => Volatile.Read(ref _references) == 0;

    /// <summary>Whether tasks remain to be taken.</summary>
    internal bool HasWork
    {
        get
        {
            long range = Volatile.Read(ref _range);
            return (int)range < (int)(range >> 32);
        }
    }

    /// <summary>Called by a helper before it reads anything of the job.</summary>
    internal void Acquire() => Interlocked.Increment(ref _references);

    /// <summary>Called by a helper when it is done with the job.</summary>
    internal void Release() => Interlocked.Decrement(ref _references);

    /// <summary>Takes and runs tasks from the back of the range until none are left (a helper's part).</summary>
    internal void Help()
    {
        int t;
        while ((t = Take(fromFront: false)) >= 0)
        {
            RunTask(t);
            Interlocked.Increment(ref _done);
        }
    }

    /// <summary>Runs task <paramref name="task"/> (0-based, below the count given to <see cref="Execute"/>).</summary>
    protected abstract void RunTask(int task);

    /// <summary>
    /// Runs <paramref name="taskCount"/> tasks on up to <paramref name="threads"/> threads (the caller is one of
    /// them) and returns when all are done. The job's fields must be set before the call.
    /// </summary>
    protected void Execute(int taskCount, int threads)
    {
        threads = Math.Min(threads, taskCount);
        _done = 0;
        // Published below by an interlocked operation, which orders these writes before any helper's reads.
        Volatile.Write(ref _range, (long)taskCount << 32);
        int slot = threads > 1 ? GemmWorkers.Publish(this, threads - 1) : -1;
        int t;
        while ((t = Take(fromFront: true)) >= 0)
        {
            RunTask(t);
            Interlocked.Increment(ref _done);
        }
        if (Volatile.Read(ref _done) < taskCount)
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _done) < taskCount) spinner.SpinOnce(sleep1Threshold: -1);
        }
        if (slot >= 0) GemmWorkers.Withdraw(slot);
    }

    /// <summary>Takes the next task from the front or the back of the range; -1 when none is left.</summary>
    private int Take(bool fromFront)
    {
        while (true)
        {
            long range = Volatile.Read(ref _range);
            int front = (int)range, back = (int)(range >> 32);
            if (front >= back) return -1;
            long next = fromFront ? range + 1 : range - (1L << 32);
            if (Interlocked.CompareExchange(ref _range, next, range) == range) return fromFront ? front : back - 1;
        }
    }
}
