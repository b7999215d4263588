using System.Diagnostics;
using System.Reflection;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, atomic checkpoints: a child process saving checkpoints in a loop is killed at random points; the file it
/// leaves always loads (checksum and all) and holds one whole checkpoint.
/// </summary>
public sealed class CheckpointKillTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-recurrent-kill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_process_killed_while_saving_checkpoints_leaves_the_last_whole_checkpoint_loadable()
    {
        string path = Path.Combine(_folder, "checkpoint.bin");
        var random = new Random(14);
        for (int run = 0; run < 5; run++)
        {
            int lastSaved = KillWhileSaving(path, delayMilliseconds: random.Next(0, 150));
            ModelFile file = ModelFile.Load(path);
            int n = file.Configuration.GetInt32("n");
            Assert.InRange(n, lastSaved, lastSaved + 1); // the kill may land after the rename but before "saved" is printed
            Assert.All(file.Parameters[0].Data, w => Assert.Equal(n, w));
            Assert.Equal([path], Directory.GetFiles(_folder).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)));
        }
    }

    /// <summary>Starts the saver, waits for its first whole checkpoint, lets it run a little longer, kills it; returns the last checkpoint it reported.</summary>
    private static int KillWhileSaving(string path, int delayMilliseconds)
    {
        string probe = typeof(CheckpointKillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelLoadProbe").Value!;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(probe);
        info.ArgumentList.Add("--save-checkpoints");
        info.ArgumentList.Add(path);
        using Process process = Process.Start(info)!;
        int last = 0;
        try
        {
            string? line = process.StandardOutput.ReadLine();
            Assert.Equal("saved 1", line);
            last = 1;
            Thread.Sleep(delayMilliseconds); // where the kill lands, not a speed check
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        for (string? line; (line = process.StandardOutput.ReadLine()) is not null;)
            if (line.StartsWith("saved ", StringComparison.Ordinal)) last = int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture);
        return last;
    }
}
