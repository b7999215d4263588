namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// Work split into numbered tasks that the calling thread and the <see cref="GemmWorkers"/> helpers take from a
/// shared counter. Each task writes its own part of the output, so the split (and hence the thread count) cannot
/// change any bit of the result. The caller waits only for tasks a helper has already begun, so a busy machine
/// costs speed, never progress.
/// </summary>
/// <remarks>
/// A job is reused by its calling thread once no helper holds a reference to it (helpers count themselves in
/// <see cref="_references"/> while they look at a job, and re-check that it is still published).
/// </remarks>
internal abstract class ParallelJob
{
    private int _taskCount;
    private int _next, _done, _references;

    /// <summary>Whether no late helper still holds this job, so its owner may reuse it.</summary>
    internal bool IsFree => Volatile.Read(ref _references) == 0;

    /// <summary>Whether tasks remain to be taken.</summary>
    internal bool HasWork => Volatile.Read(ref _next) < _taskCount;

    /// <summary>Called by a helper before it reads anything of the job.</summary>
    internal void Acquire() => Interlocked.Increment(ref _references);

    /// <summary>Called by a helper when it is done with the job.</summary>
    internal void Release() => Interlocked.Decrement(ref _references);

    /// <summary>Takes and runs tasks until none are left.</summary>
    internal void Help() => RunTasks();

    /// <summary>Runs task <paramref name="task"/> (0-based, below the count given to <see cref="Execute"/>).</summary>
    protected abstract void RunTask(int task);

    /// <summary>
    /// Runs <paramref name="taskCount"/> tasks on up to <paramref name="threads"/> threads (the caller is one of
    /// them) and returns when all are done. The job's fields must be set before the call.
    /// </summary>
    protected void Execute(int taskCount, int threads)
    {
        _taskCount = taskCount;
        threads = Math.Min(threads, taskCount);
        _next = 0;
        _done = 0;
        int slot = threads > 1 ? GemmWorkers.Publish(this, threads - 1) : -1;
        RunTasks();
        if (Volatile.Read(ref _done) < taskCount)
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _done) < taskCount) spinner.SpinOnce(sleep1Threshold: -1);
        }
        if (slot >= 0) GemmWorkers.Withdraw(slot);
    }

    private void RunTasks()
    {
        int t;
        while ((t = Interlocked.Increment(ref _next) - 1) < _taskCount)
        {
            RunTask(t);
            Interlocked.Increment(ref _done);
        }
    }
}
