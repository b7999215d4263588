using System.Globalization;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// What a component gets from ML.NET and from its <see cref="RecurrentTrainerOptions"/> while it fits: log messages
/// that reach <c>MLContext.Log</c>; the seed (<c>Options.Seed</c>, else drawn from the <c>MLContext</c>); one
/// cancellation token for <c>MLContext.CancelExecution()</c> and <c>Options.CancellationToken</c>; the thread limit
/// of this fit only; progress forwarded to <c>Options.Progress</c>; and <see cref="Complete"/>, the one cancellation
/// rule. Made by <c>RecurrentEstimatorBase.Fit</c> for one fit and disposed after it.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    /// <summary>How often the token's poller looks at ML.NET's cancel flag.</summary>
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IHost _host;
    private readonly IChannel _channel;
    private readonly string _component;
    private readonly RecurrentTrainerOptions? _options;
    private readonly IDisposable? _threads;
    private CancellationTokenSource? _cts;
    private CancellationTokenSource? _linked;
    private Timer? _poller;

    /// <summary>Starts a session on <paramref name="host"/>; messages come from a channel named <paramref name="phase"/>.</summary>
    /// <param name="host">The estimator's host.</param>
    /// <param name="phase">The channel's name.</param>
    /// <param name="component">The component's name as users know it, for messages.</param>
    /// <param name="options">The component's shared training options, or null for a component that does not train.</param>
    public TrainingSession(IHost host, string phase, string component, RecurrentTrainerOptions? options)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _component = component;
        _options = options;
        _channel = host.Start(phase);
        Seed = options is null ? 0 : options.Seed ?? host.Rand.Next();
        if (options?.Threads is int threads) _threads = ComputeSettings.UseThreads(threads);
    }

    /// <summary>The seed of this fit: <c>Options.Seed</c>, else drawn from the <c>MLContext</c>'s random stream.</summary>
    public int Seed { get; }

    /// <summary>True once <c>MLContext.CancelExecution()</c> was called; cheap enough to poll every batch.</summary>
    public bool IsCanceled => _host is ICancelable { IsCanceled: true };

    /// <summary>Throws <see cref="OperationCanceledException"/> if <see cref="IsCanceled"/>.</summary>
    public void ThrowIfCanceled()
    {
        if (IsCanceled) throw _host.Process(new OperationCanceledException("Training was canceled by MLContext.CancelExecution()."));
    }

    /// <summary>
    /// Canceled (within ~50 ms) once <c>MLContext.CancelExecution()</c> is called or <c>Options.CancellationToken</c>
    /// fires: hand it to the engine's training loop. ML.NET only offers a flag, so the first use starts a poller
    /// that lives as long as the session.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get
        {
            if (_linked is not null) return _linked.Token;
            _cts = new CancellationTokenSource();
            if (IsCanceled) _cts.Cancel();
            else _poller = new Timer(static state =>
            {
                var self = (TrainingSession)state!;
                if (self.IsCanceled) self._cts?.Cancel();
            }, this, s_pollInterval, s_pollInterval);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, _options?.CancellationToken ?? default);
            return _linked.Token;
        }
    }

    /// <summary><paramref name="log"/> and <c>Options.Progress</c> as one receiver of the training loop's reports.</summary>
    public IProgress<TrainingProgress> Progress(IProgress<TrainingProgress> log) =>
        _options?.Progress is { } user ? new Both(log, user) : log;

    /// <summary>
    /// The one cancellation rule, applied when the engine's loop returns: <c>MLContext.CancelExecution()</c> throws
    /// <see cref="OperationCanceledException"/>; <c>Options.CancellationToken</c> keeps the best model (a warning says
    /// so); then logs how the run ended.
    /// </summary>
    /// <param name="result">What the training loop returned.</param>
    /// <param name="unit">What a step is called in the log (for example "steps" or "updates").</param>
    public void Complete(TrainingResult result, string unit)
    {
        ArgumentNullException.ThrowIfNull(result);
        ThrowIfCanceled();
        if (result.Canceled)
            Warning($"{_component}: training was canceled by Options.CancellationToken after {result.Steps} {unit}; the model keeps the best weights so far.");
        string how = result.Canceled ? "was canceled" : result.StoppedEarly ? "stopped early" : result.TimedOut ? "reached its time budget" : "finished";
        string when = $"after {result.Steps} {unit} in {result.Epochs} {(result.Epochs == 1 ? "epoch" : "epochs")}";
        Info(result.BestValidation is { } best
            ? string.Create(CultureInfo.InvariantCulture,
                $"{_component}: {how} {when}; kept the weights of the best validation loss {best.Loss:F4} ({best.BitsPerToken:F4} bits per target, accuracy {best.Accuracy:P1}).")
            : $"{_component}: {how} {when}; no validation.");
    }

    /// <summary>Logs progress at Info level (shown by <c>MLContext.Log</c>).</summary>
    public void Info(string message) => _channel.Info(message);

    /// <summary>Logs a warning (shown by <c>MLContext.Log</c>).</summary>
    public void Warning(string message) => _channel.Warning(message);

    /// <summary>Stops the poller, restores the thread limit and closes the channel.</summary>
    public void Dispose()
    {
        _poller?.Dispose();
        _linked?.Dispose();
        _cts?.Dispose();
        _threads?.Dispose();
        _channel.Dispose();
    }

    private sealed class Both(IProgress<TrainingProgress> first, IProgress<TrainingProgress> second) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            first.Report(value);
            second.Report(value);
        }
    }
}
