using System.Text.Json;

namespace MLNet.Recurrent.Onnx.Tests.TestSupport;

/// <summary>A fixture of <c>tests/fixtures/onnx/make_onnx_fixtures.py</c>: its configuration and named float tensors.</summary>
internal sealed class TorchFixture
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors = [];

    private TorchFixture(JsonElement config) => Config = config;

    public JsonElement Config { get; }

    public string OnnxPath { get; private init; } = "";

    public float[] Data(string name) => _tensors[name].Data;

    public int[] Shape(string name) => _tensors[name].Shape;

    public bool Has(string name) => _tensors.ContainsKey(name);

    public static TorchFixture Load(string name)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, name + ".json")));
        var fixture = new TorchFixture(doc.RootElement.GetProperty("config").Clone()) { OnnxPath = Path.Combine(folder, name + ".onnx") };
        foreach (var t in doc.RootElement.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] data = t.Value.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            fixture._tensors[t.Name] = (shape, data);
        }
        return fixture;
    }
}
