using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, training faults: a child process training with a checkpoint saved (atomically) after every step is killed
/// at seeded random points; a new process resumed from the checkpoint it left ends with a network byte-identical to
/// the one a run that was never interrupted ends with.
/// </summary>
public sealed class KillThenResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-recurrent-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Resuming_from_the_checkpoint_a_killed_training_left_ends_bit_identical_to_an_uninterrupted_run()
    {
        string straight = Path.Combine(_folder, "straight.bin");
        Run("--train", straight).Dispose();
        byte[] expected = File.ReadAllBytes(straight);

        var random = new Random(14);
        for (int kill = 0; kill < 2; kill++)
        {
            string checkpoint = Path.Combine(_folder, $"checkpoint{kill}.bin"), resumed = Path.Combine(_folder, $"resumed{kill}.bin");
            long lastSaved = KillWhileTraining(checkpoint, delayMilliseconds: random.Next(0, 400));
            long step = TrainingCheckpoint.From(ModelFile.Load(checkpoint)).Step;
            Assert.InRange(step, lastSaved, lastSaved + 1); // the kill may land after the rename but before "saved" is printed
            Assert.True(step < 48 * 5, $"the kill came after the last step ({step})");
            Run("--resume", checkpoint, resumed).Dispose();
            Assert.Equal(expected, File.ReadAllBytes(resumed));
        }
    }

    private static Process Start(params string[] args)
    {
        string probe = typeof(KillThenResumeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelLoadProbe").Value!;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(probe);
        foreach (string a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static Process Run(params string[] args)
    {
        Process process = Start(args);
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the probe failed ({process.ExitCode}): {errors}");
        return process;
    }

    /// <summary>Starts the training, waits for its first checkpoint, lets it run a little longer, kills it; returns the last step it reported saved.</summary>
    private static long KillWhileTraining(string path, int delayMilliseconds)
    {
        using Process process = Start("--train-with-checkpoints", path);
        long last = 0;
        try
        {
            Assert.Equal("saved 1", process.StandardOutput.ReadLine());
            last = 1;
            Thread.Sleep(delayMilliseconds); // where the kill lands, not a speed check
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        for (string? line; (line = process.StandardOutput.ReadLine()) is not null;)
            if (line.StartsWith("saved ", StringComparison.Ordinal)) last = long.Parse(line[6..], CultureInfo.InvariantCulture);
        return last;
    }
}
