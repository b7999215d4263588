using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.MlNetInternals;

/// <summary>
/// A saved model loads in a fresh process through plain <c>new MLContext().Model.Load(path, out _)</c>, with no
/// registration call: the proof that the [LoadableClass] registration and the IgnoresAccessChecksTo attributes
/// work with the real ML.NET assemblies. Run on every ML.NET or .NET upgrade.
/// </summary>
public sealed class ModelLoadInNewProcessTests(ITestOutputHelper output)
{
    [Fact]
    public void ModelSavedHereLoadsAndTransformsIdenticallyInAChildProcess()
    {
        const int D = 4;
        var ml = new MLContext(seed: 1);
        IDataView train = FrameData.ToDataView(ml, FrameData.Make(40, D, seed: 11), FrameData.FramesType(D));
        IDataView test = FrameData.ToDataView(ml, FrameData.Make(9, D, seed: 12), FrameData.FramesType(D));
        ITransformer model = ml.Transforms.Recurrent.NormalizeFrames("Normalized", "Features").Fit(train);
        float[][] expected = FrameData.ReadColumn(model.Transform(test), "Normalized");

        string dir = Directory.CreateTempSubdirectory("mlnet-recurrent-probe-").FullName;
        try
        {
            string modelPath = Path.Combine(dir, "model.zip");
            string inputPath = Path.Combine(dir, "input.idv");
            string outputPath = Path.Combine(dir, "output.idv");
            ml.Model.Save(model, train.Schema, modelPath);
            using (FileStream stream = File.Create(inputPath))
                ml.Data.SaveAsBinary(test, stream);

            (int exitCode, string stdout, string stderr) = RunProbe(modelPath, inputPath, outputPath);
            output.WriteLine(stdout);
            output.WriteLine(stderr);
            Assert.True(exitCode == 0, $"The probe failed (exit code {exitCode}):\n{stderr}");

            float[][] actual = FrameData.ReadColumn(new MLContext().Data.LoadFromBinary(outputPath), "Normalized");
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++)
                Assert.Equal(expected[r], actual[r]); // bit for bit: same code, same machine
            Assert.Contains("MLNet.Recurrent.Preprocessing.FrameNormalizingTransformer", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunProbe(params string[] args)
    {
        string probe = typeof(ModelLoadInNewProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ModelLoadProbe").Value!;
        Assert.True(File.Exists(probe), $"The probe was not built at {probe}.");
        // dotnet test sets DOTNET_HOST_PATH to the muxer that runs the tests.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(probe);
        foreach (string a in args) info.ArgumentList.Add(a);
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
