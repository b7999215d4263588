using System.Diagnostics;
using System.Reflection;

namespace MLNet.Recurrent.Tests.TestSupport;

/// <summary>Runs tests/MLNet.Recurrent.ModelLoadProbe (a plain ML.NET consumer) as a child process.</summary>
internal static class ModelLoadProbeRunner
{
    /// <summary>Loads <paramref name="modelPath"/>, transforms <paramref name="inputPath"/> and writes <paramref name="outputPath"/> (binary data views).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string modelPath, string inputPath, string outputPath)
    {
        string probe = typeof(ModelLoadProbeRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelLoadProbe").Value!;
        Assert.True(File.Exists(probe), $"The probe was not built at {probe}.");
        // dotnet test sets DOTNET_HOST_PATH to the muxer that runs the tests.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(probe);
        info.ArgumentList.Add(modelPath);
        info.ArgumentList.Add(inputPath);
        info.ArgumentList.Add(outputPath);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The probe did not finish within 2 minutes (a hang, not a speed check).");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
