using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Tests.Serialization;

public sealed class ConfigurationMapTests
{
    [Fact]
    public void Reading_as_the_wrong_kind_names_key_and_kinds()
    {
        var map = new ConfigurationMap();
        map.Set("hidden_size", 64);
        var e = Assert.Throws<InvalidOperationException>(() => map.GetString("hidden_size"));
        Assert.Equal("Configuration key \"hidden_size\" holds a value of kind Int32; it was read as String.", e.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => map.GetInt32("layers"));
        Assert.Contains("\"layers\"", missing.Message);
        Assert.Contains("hidden_size", missing.Message);
    }

    [Fact]
    public void Setting_again_replaces_and_arrays_are_copied()
    {
        var map = new ConfigurationMap();
        int[] sizes = [1, 2];
        map.Set("sizes", sizes.AsSpan());
        sizes[0] = 99;
        map.GetInt32Array("sizes")[1] = 99;
        Assert.Equal([1, 2], map.GetInt32Array("sizes"));
        map.Set("sizes", "none");
        Assert.Equal(ConfigurationValueKind.String, map.KindOf("sizes"));
        Assert.Single(map.Keys);
    }
}
