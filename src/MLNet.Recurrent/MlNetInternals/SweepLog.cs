using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// A sweep's messages in <c>MLContext.Log</c>: one line as the sweep starts and one per finished trial, from a
/// channel named "Sweep". <c>MLContext</c> is itself the environment ML.NET's components log through.
/// </summary>
internal sealed class SweepLog : IDisposable
{
    private readonly IChannel _channel;

    /// <summary>Opens the channel on <paramref name="mlContext"/>.</summary>
    public SweepLog(MLContext mlContext)
    {
        IHostEnvironment environment = mlContext;
        _channel = environment.Register("Sweep").Start("Sweep");
    }

    /// <summary>Logs an information line.</summary>
    public void Info(string message) => _channel.Info(message);

    /// <summary>Logs a warning.</summary>
    public void Warning(string message) => _channel.Warning(message);

    /// <summary>Closes the channel.</summary>
    public void Dispose() => _channel.Dispose();
}
