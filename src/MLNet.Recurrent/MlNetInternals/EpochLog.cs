using System.Globalization;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Turns the trainer's per-step reports into one log line per epoch: the mean training loss of its batches and,
/// when rows are held out, the validation loss and accuracy. Called on the training thread.
/// </summary>
internal sealed class EpochLog(TrainingSession session, string component, int epochs) : IProgress<TrainingProgress>
{
    private int _epoch;
    private double _lossSum;
    private int _steps;
    private TimeSpan _elapsed;
    private long _lastStep;

    /// <summary>The number of epoch lines logged.</summary>
    public int Lines { get; private set; }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        // An evaluation report stands for its step too (the loop sends one report per step), so its loss counts.
        if (value.Step > _lastStep)
        {
            if (value.Epoch != _epoch) Flush();
            _epoch = value.Epoch;
            _lossSum += value.Loss;
            _steps++;
            _elapsed = value.Elapsed;
            _lastStep = value.Step;
        }
        if (value.Validation is { } validation)
        {
            Write(value.Epoch, value.Elapsed,
                string.Create(CultureInfo.InvariantCulture, $", validation loss {validation.Loss:F4}, validation accuracy {validation.Accuracy:P1}"));
        }
    }

    /// <summary>Logs the epoch in progress, if it has steps not yet logged (no validation: none was measured).</summary>
    public void Flush()
    {
        if (_steps > 0) Write(_epoch, _elapsed, "");
    }

    private void Write(int epoch, TimeSpan elapsed, string validation)
    {
        string loss = _steps > 0 ? (_lossSum / _steps).ToString("F4", CultureInfo.InvariantCulture) : "n/a";
        session.Info(string.Create(CultureInfo.InvariantCulture,
            $"{component}: epoch {epoch}/{epochs}: training loss {loss}{validation} ({elapsed.TotalSeconds:F1} s)"));
        Lines++;
        _lossSum = 0;
        _steps = 0;
    }
}
