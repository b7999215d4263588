using System.Text.Json;

namespace MLNet.Recurrent.Core.Tests.TestSupport;

/// <summary>
/// A PyTorch fixture written by <c>tests/fixtures/generate.py</c>: a configuration and named float32 tensors
/// (sequences time-major). Fixture files are copied next to the test assembly under <c>fixtures/</c>.
/// </summary>
internal sealed class Fixture
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors;

    private Fixture(JsonElement config, Dictionary<string, (int[] Shape, float[] Data)> tensors)
    {
        Config = config;
        _tensors = tensors;
    }

    /// <summary>The fixture's configuration object.</summary>
    public JsonElement Config { get; }

    /// <summary>An integer from the configuration.</summary>
    public int Int(string name) => Config.GetProperty(name).GetInt32();

    /// <summary>A boolean from the configuration.</summary>
    public bool Bool(string name) => Config.GetProperty(name).GetBoolean();

    /// <summary>A string from the configuration.</summary>
    public string String(string name) => Config.GetProperty(name).GetString()!;

    /// <summary>An integer array from the configuration.</summary>
    public int[] Ints(string name) => Config.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>Whether a tensor of that name is present.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A tensor's data, row-major.</summary>
    public float[] Data(string name) => _tensors.TryGetValue(name, out var t)
        ? t.Data
        : throw new KeyNotFoundException($"Fixture has no tensor '{name}'; it has {string.Join(", ", _tensors.Keys)}.");

    /// <summary>A tensor's shape.</summary>
    public int[] Shape(string name) => _tensors[name].Shape;

    /// <summary>The names of all tensors.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>Loads <c>fixtures/{name}.json</c> from beside the test assembly.</summary>
    public static Fixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var tensors = new Dictionary<string, (int[], float[])>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] data = p.Value.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            tensors.Add(p.Name, (shape, data));
        }
        return new Fixture(doc.RootElement.GetProperty("config").Clone(), tensors);
    }

    /// <summary>The largest absolute difference between two arrays of equal length.</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
            throw new ArgumentException($"Lengths differ: expected {expected.Length}, actual {actual.Length}.");
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        return worst;
    }
}
