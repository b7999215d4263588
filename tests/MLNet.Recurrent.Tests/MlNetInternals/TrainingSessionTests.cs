using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.Tests.MlNetInternals;

public sealed class TrainingSessionTests
{
    private sealed class TestOptions : RecurrentTrainerOptions;

    [Fact]
    public void Cancel_execution_reaches_the_flag_and_the_token()
    {
        var ml = new MLContext(seed: 1);
        IHost host = ((IHostEnvironment)ml).Register("test");
        using var session = new TrainingSession(host, "Fit", "Test", new TestOptions());
        CancellationToken token = session.CancellationToken;
        Assert.False(session.IsCanceled);
        Assert.False(token.IsCancellationRequested);
        session.ThrowIfCanceled();

        Environments.CancelExecution(ml);
        Assert.True(session.IsCanceled);
        Assert.Throws<OperationCanceledException>(session.ThrowIfCanceled);
        // The poller runs every 50 ms; the wait only guards against a hang.
        Assert.True(token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the token was never canceled");
    }

    [Fact]
    public void The_options_token_cancels_the_session_token_without_aborting()
    {
        using var cts = new CancellationTokenSource();
        IHost host = ((IHostEnvironment)new MLContext(seed: 1)).Register("test");
        using var session = new TrainingSession(host, "Fit", "Test", new TestOptions { CancellationToken = cts.Token });
        CancellationToken token = session.CancellationToken;
        Assert.False(token.IsCancellationRequested);
        cts.Cancel();
        Assert.True(token.IsCancellationRequested);
        Assert.False(session.IsCanceled); // only MLContext.CancelExecution aborts Fit
        session.ThrowIfCanceled();
    }

    [Fact]
    public void Seeds_follow_the_MLContext_seed_unless_the_options_give_one()
    {
        static int Seed(int contextSeed, int? optionSeed)
        {
            IHost host = ((IHostEnvironment)new MLContext(contextSeed)).Register("test");
            using var session = new TrainingSession(host, "Fit", "Test", new TestOptions { Seed = optionSeed });
            return session.Seed;
        }
        Assert.Equal(Seed(42, null), Seed(42, null));
        Assert.NotEqual(Seed(42, null), Seed(43, null));
        Assert.Equal(7, Seed(42, 7));
    }

    [Fact]
    public void The_thread_limit_holds_for_the_session_only_and_on_its_own_thread()
    {
        int before = ComputeSettings.MaxThreads;
        IHost host = ((IHostEnvironment)new MLContext(seed: 1)).Register("test");
        int inside, otherThread = 0;
        using (var session = new TrainingSession(host, "Fit", "Test", new TestOptions { Threads = 1 }))
        {
            inside = ComputeSettings.MaxThreads;
            var thread = new Thread(() => otherThread = ComputeSettings.MaxThreads);
            thread.UnsafeStart(); // an unrelated thread: no execution context flows to it
            thread.Join();
        }
        Assert.Equal(1, inside);
        Assert.Equal(before, otherThread); // another fit's thread is not limited by this one
        Assert.Equal(before, ComputeSettings.MaxThreads);
    }
}
