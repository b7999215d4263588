using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>Issue 14, items 1, 2 and 7: crafted network files are rejected before the network is built.</summary>
public class SequenceNetworkLoadingTests
{
    private static ModelFile Saved()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 7, EmbeddingSize = 4, Cell = CellType.Lstm, HiddenSize = 6, Layers = 1, OutputSize = 3,
        });
        network.Initialize(seed: 11);
        var file = new ModelFile();
        network.WriteTo(file);
        return file;
    }

    [Fact]
    public void Crafted_layer_count_is_rejected_before_the_network_is_built()
    {
        ModelFile file = Saved();
        file.Configuration.Set("network.layers", 100_000); // would build ~280 MB of weights
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => SequenceNetwork.ReadFrom(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("'network.layers' 100000", e.Message);
        Assert.Contains($"the file stores only {file.Parameters.Sum(p => p.Data.Length)} weights", e.Message);
        Assert.True(allocated < 1 << 20, $"reading allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Crafted_hidden_size_is_rejected_before_the_network_is_built()
    {
        ModelFile file = Saved();
        file.Configuration.Set("network.hiddenSize", 30_000);
        var e = Assert.Throws<InvalidDataException>(() => SequenceNetwork.ReadFrom(file));
        Assert.Contains("'network.hiddenSize' 30000", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Non_finite_weight_is_rejected_naming_the_parameter_and_index(float value, string shown)
    {
        ModelFile file = Saved();
        NamedTensor p = file.Parameters[^1];
        p.Data[2] = value;
        var e = Assert.Throws<InvalidDataException>(() => SequenceNetwork.ReadFrom(file));
        Assert.Equal($"Value 2 of parameter \"{p.Name}\" was {shown}; every stored weight must be a finite number.", e.Message);
    }

    [Fact]
    public void Parameter_of_the_wrong_shape_raises_InvalidDataException_not_ArgumentException()
    {
        ModelFile source = Saved();
        var file = new ModelFile();
        foreach (string key in source.Configuration.Keys) CopyEntry(source.Configuration, file.Configuration, key);
        foreach (NamedTensor p in source.Parameters)
            file.AddParameter(p.Name == "output.bias" ? new NamedTensor(p.Name, [4], new float[4]) : p);
        var e = Assert.Throws<InvalidDataException>(() => SequenceNetwork.ReadFrom(file));
        Assert.Contains("output.bias", e.Message);
    }

    private static void CopyEntry(ConfigurationMap from, ConfigurationMap to, string key)
    {
        switch (from.KindOf(key))
        {
            case ConfigurationValueKind.Int32: to.Set(key, from.GetInt32(key)); break;
            case ConfigurationValueKind.String: to.Set(key, from.GetString(key)); break;
            case ConfigurationValueKind.Boolean: to.Set(key, from.GetBoolean(key)); break;
            case ConfigurationValueKind.Single: to.Set(key, from.GetSingle(key)); break;
            default: throw new NotSupportedException(key);
        }
    }
}
