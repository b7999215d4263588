using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// What a training loop gets from ML.NET while an estimator fits: log messages that reach
/// <c>MLContext.Log</c>, cancellation by <c>MLContext.CancelExecution()</c> (as a polled flag or as a
/// <see cref="System.Threading.CancellationToken"/>), and seeds that follow <c>new MLContext(seed)</c>.
/// Made by <c>RecurrentEstimatorBase.Fit</c> for one fit and disposed after it.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    /// <summary>How often the token's poller looks at ML.NET's cancel flag.</summary>
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IHost _host;
    private readonly IChannel _channel;
    private CancellationTokenSource? _cts;
    private Timer? _poller;

    /// <summary>Starts a session on <paramref name="host"/>; messages come from a channel named <paramref name="phase"/>.</summary>
    public TrainingSession(IHost host, string phase)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _channel = host.Start(phase);
    }

    /// <summary>True once <c>MLContext.CancelExecution()</c> was called; cheap enough to poll every batch.</summary>
    public bool IsCanceled => _host is ICancelable { IsCanceled: true };

    /// <summary>Throws <see cref="OperationCanceledException"/> if <see cref="IsCanceled"/>.</summary>
    public void ThrowIfCanceled()
    {
        if (IsCanceled) throw _host.Process(new OperationCanceledException("Training was canceled by MLContext.CancelExecution()."));
    }

    /// <summary>
    /// A token canceled (within ~50 ms) once <see cref="IsCanceled"/> turns true, for engine code that takes a
    /// <see cref="System.Threading.CancellationToken"/>. ML.NET only offers a flag, so the first use starts a poller that lives as long as the session.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get
        {
            if (_cts is null)
            {
                _cts = new CancellationTokenSource();
                if (IsCanceled) _cts.Cancel();
                else _poller = new Timer(static state =>
                {
                    var self = (TrainingSession)state!;
                    if (self.IsCanceled) self._cts?.Cancel();
                }, this, s_pollInterval, s_pollInterval);
            }
            return _cts.Token;
        }
    }

    /// <summary>A seed drawn from the host's random stream: the same sequence for the same <c>MLContext(seed)</c>.</summary>
    public int NextSeed() => _host.Rand.Next();

    /// <summary>Logs progress at Info level (shown by <c>MLContext.Log</c>).</summary>
    public void Info(string message) => _channel.Info(message);

    /// <summary>Logs a warning (shown by <c>MLContext.Log</c>).</summary>
    public void Warning(string message) => _channel.Warning(message);

    /// <summary>Stops the poller and closes the channel.</summary>
    public void Dispose()
    {
        _poller?.Dispose();
        _cts?.Dispose();
        _channel.Dispose();
    }
}
