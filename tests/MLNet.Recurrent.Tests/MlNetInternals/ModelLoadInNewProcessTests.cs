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
    public void Model_saved_here_loads_and_transforms_identically_in_a_child_process()
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

            (int exitCode, string stdout, string stderr) = ModelLoadProbeRunner.Run(modelPath, inputPath, outputPath);
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
}
