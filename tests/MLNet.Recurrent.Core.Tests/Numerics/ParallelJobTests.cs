using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>
/// The shared task range of <see cref="ParallelJob"/>: the caller takes tasks from the front, helpers from the back, and
/// every task must run exactly once whoever takes it, however the two ends meet (even when a helper takes them all).
/// </summary>
public sealed class ParallelJobTests
{
    private sealed class CountingJob : ParallelJob
    {
        public int[] Runs = [];
        public int[] Thread = [];

        public void Run(int tasks, int threads)
        {
            Runs = new int[tasks];
            Thread = new int[tasks];
            Execute(tasks, threads);
        }

        protected override void RunTask(int task)
        {
            Interlocked.Increment(ref Runs[task]);
            Thread[task] = Environment.CurrentManagedThreadId;
            // A little work, so that a helper has time to join.
            double x = task;
            for (int i = 0; i < 2000; i++) x = Math.Sqrt(x + i);
            if (x < 0) throw new InvalidOperationException();
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(64, 2)]
    [InlineData(64, 4)]
    public void every_task_runs_exactly_once_whichever_end_takes_it(int tasks, int threads)
    {
        var job = new CountingJob();
        int caller = Environment.CurrentManagedThreadId;
        for (int round = 0; round < 200; round++)
        {
            job.Run(tasks, threads);
            Assert.All(job.Runs, runs => Assert.Equal(1, runs));
            // The caller takes from the front and helpers from the back, so the caller's tasks are a prefix of the
            // range and the helpers' a suffix. Either part may be empty: a helper may take every task while the caller
            // is descheduled between publishing the job and taking its first task.
            int firstHelped = Array.FindIndex(job.Thread, id => id != caller);
            if (firstHelped >= 0) Assert.All(job.Thread[firstHelped..], id => Assert.NotEqual(caller, id));
            if (threads == 1) Assert.Equal(-1, firstHelped);
        }
    }
}
