using System.Reflection;
using Microsoft.ML;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.MlNetInternals;

/// <summary>
/// The suite runs once per supported ML.NET version (<c>-p:MLNetVersion=...</c> in <c>.ci/run</c>); this checks
/// that the run really has the ML.NET it claims, so a restore that quietly picked another version cannot pass
/// for a run against 5.0.1 or 6.0.0.
/// </summary>
public sealed class MlNetVersionTests(ITestOutputHelper output)
{
    [Fact]
    public void Runs_with_the_MlNet_version_the_build_asked_for()
    {
        string asked = typeof(MlNetVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "MLNetVersion").Value!;
        string core = InformationalVersion(typeof(Microsoft.ML.Runtime.IHostEnvironment).Assembly); // Microsoft.ML.Core
        string data = InformationalVersion(typeof(MLContext).Assembly);         // Microsoft.ML.Data
        output.WriteLine($"MLNetVersion {asked}; loaded Microsoft.ML.Core {core}, Microsoft.ML.Data {data}");
        Assert.Equal(asked, core);
        Assert.Equal(asked, data);
    }

    internal static string InformationalVersion(Assembly assembly)
    {
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        int plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus]; // "6.0.0+<commit>" -> "6.0.0"
    }
}
