using System.Globalization;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Writes the stream trainer's reports to <c>MLContext.Log</c> (one line per report: update, loss, bits per
/// character, tokens per second, ETA; one per validation) and passes each on to the user's callback. Called on the
/// training thread.
/// </summary>
internal sealed class ProgressLog(TrainingSession session, string component, TimeSpan? maxDuration)
    : IProgress<TrainingProgress>
{
    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        string eta = Remaining(value, maxDuration) is { } left ? $", ETA {left:hh\\:mm\\:ss}" : "";
        string validation = value.Validation is { } v ? $", validation {v.BitsPerToken:F3} bits/char" : "";
        session.Info(string.Create(CultureInfo.InvariantCulture,
            $"{component}: update {value.Step}/{value.TotalSteps}: loss {value.Loss:F4}, {value.BitsPerToken:F3} bits/char{validation}, {value.TokensPerSecond:N0} chars/s{eta}"));
    }

    /// <summary>The time left: by the updates still to do, or by the time budget when that ends sooner.</summary>
    internal static TimeSpan? Remaining(TrainingProgress value, TimeSpan? maxDuration)
    {
        TimeSpan? bySteps = value.Remaining;
        if (maxDuration is not { } budget) return bySteps;
        TimeSpan byTime = budget > value.Elapsed ? budget - value.Elapsed : TimeSpan.Zero;
        return bySteps is { } s && s < byTime ? s : byTime;
    }
}
