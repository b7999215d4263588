using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.Tests.MlNetInternals;

public sealed class TrainingSessionTests
{
    [Fact]
    public void CancelExecutionReachesFlagAndToken()
    {
        var ml = new MLContext(seed: 1);
        IHost host = ((IHostEnvironment)ml).Register("test");
        using var session = new TrainingSession(host, "Fit");
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
    public void SeedsFollowTheMLContextSeed()
    {
        static int[] Seeds(int seed)
        {
            IHost host = ((IHostEnvironment)new MLContext(seed)).Register("test");
            using var session = new TrainingSession(host, "Fit");
            return [session.NextSeed(), session.NextSeed(), session.NextSeed()];
        }
        Assert.Equal(Seeds(42), Seeds(42));
        Assert.NotEqual(Seeds(42), Seeds(43));
    }
}
