using System.Reflection;
using PublicApiGenerator;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.PublicApi;

/// <summary>
/// The public surface of each shipped assembly, as PublicApiGenerator prints it, must equal the baseline checked
/// in beside this file, so a change to what users compile against is always a visible diff in the same commit.
/// When a change is intended: <c>UPDATE_API_BASELINE=1 dotnet test tests/MLNet.Recurrent.Tests -c Release
/// --filter FullyQualifiedName~PublicApi</c> rewrites the baselines; review and commit them.
/// </summary>
public sealed class PublicApiBaselineTests(ITestOutputHelper output)
{
    private const string UpdateVariable = "UPDATE_API_BASELINE";

    public static TheoryData<string> Assemblies => ["MLNet.Recurrent.Core", "MLNet.Recurrent", "MLNet.Recurrent.Onnx"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Public_api_matches_the_checked_in_baseline(string assemblyName)
    {
        Assembly assembly = Assembly.Load(new AssemblyName(assemblyName));
        string actual = Normalize(assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
        string path = Path.Combine(BaselineDirectory, assemblyName + ".txt");

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            output.WriteLine($"{UpdateVariable}=1: wrote {path}");
            return;
        }

        string expected = File.Exists(path) ? Normalize(File.ReadAllText(path)) : "";
        if (actual == expected) return;
        List<string> diff = Diff(expected.Split('\n'), actual.Split('\n'));
        Assert.Fail(
            $"The public API of {assemblyName} differs from {path} (- baseline, + now):\n  " +
            string.Join("\n  ", diff.Take(40)) + (diff.Count > 40 ? $"\n  ... {diff.Count - 40} more" : "") +
            $"\nIf the change is intended, update the baseline and commit it with the change:\n" +
            $"  {UpdateVariable}=1 dotnet test tests/MLNet.Recurrent.Tests -c Release --filter FullyQualifiedName~PublicApi");
    }

    /// <summary>A line diff (longest common subsequence) with the declaration each change sits in.</summary>
    private static List<string> Diff(string[] before, string[] after)
    {
        int n = before.Length, m = after.Length;
        var common = new int[n + 1, m + 1]; // common[i, j]: LCS length of before[i..] and after[j..]
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        var lines = new List<string>();
        string? lastContext = null;
        void Add(string sign, string line, int afterIndex)
        {
            string context = Enclosing(after, afterIndex, line.Length - line.TrimStart().Length);
            if (context != lastContext) lines.Add("  in " + context);
            lastContext = context;
            lines.Add(sign + " " + line.Trim());
        }
        int a = 0, b = 0;
        while (a < n || b < m)
        {
            if (a < n && b < m && before[a] == after[b]) { a++; b++; }
            else if (b < m && (a == n || common[a, b + 1] >= common[a + 1, b])) { Add("+", after[b], b); b++; }
            else { Add("-", before[a], b); a++; }
        }
        return lines;
    }

    /// <summary>The declarations around a line, outermost first: "namespace X > class Y > class Options".</summary>
    private static string Enclosing(string[] lines, int index, int indent)
    {
        var chain = new List<string>();
        for (int i = Math.Min(index, lines.Length) - 1; i >= 0 && indent > 0; i--)
        {
            int lineIndent = lines[i].Length - lines[i].TrimStart().Length;
            string text = lines[i].Trim();
            if (lineIndent >= indent || text is "{" or "}" || text.Length == 0) continue;
            chain.Insert(0, text.Split(" : ")[0]);
            indent = lineIndent;
        }
        return string.Join(" > ", chain);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";

    /// <summary>The source folder of this file (the test project passes it in: the build may map source paths).</summary>
    private static string BaselineDirectory =>
        typeof(PublicApiBaselineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "PublicApiBaselineDirectory").Value!;
}
