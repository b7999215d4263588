using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Serialization;

/// <summary>
/// A small typed key/value map for model configurations and training state, written to model files in insertion
/// order. Each key holds one value of one <see cref="ConfigurationValueKind"/>; setting a key again replaces it.
/// Arrays are copied on the way in and out, so the map owns its values.
/// </summary>
public sealed class ConfigurationMap
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, (ConfigurationValueKind Kind, object Value)> _values = new(StringComparer.Ordinal);

    /// <summary>The keys in insertion order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Count;

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>The kind of value <paramref name="key"/> holds.</summary>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    public ConfigurationValueKind KindOf(string key) => Entry(key).Kind;

    /// <summary>Sets a string.</summary>
    public void Set(string key, string value) => Put(key, ConfigurationValueKind.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Sets a 32-bit integer.</summary>
    public void Set(string key, int value) => Put(key, ConfigurationValueKind.Int32, value);

    /// <summary>Sets a 64-bit integer.</summary>
    public void Set(string key, long value) => Put(key, ConfigurationValueKind.Int64, value);

    /// <summary>Sets a 32-bit float.</summary>
    public void Set(string key, float value) => Put(key, ConfigurationValueKind.Single, value);

    /// <summary>Sets a 64-bit float.</summary>
    public void Set(string key, double value) => Put(key, ConfigurationValueKind.Double, value);

    /// <summary>Sets a boolean.</summary>
    public void Set(string key, bool value) => Put(key, ConfigurationValueKind.Boolean, value);

    /// <summary>Sets an array of 32-bit integers (copied).</summary>
    public void Set(string key, ReadOnlySpan<int> value) => Put(key, ConfigurationValueKind.Int32Array, value.ToArray());

    /// <summary>Sets an array of 64-bit integers (copied).</summary>
    public void Set(string key, ReadOnlySpan<long> value) => Put(key, ConfigurationValueKind.Int64Array, value.ToArray());

    /// <summary>Sets an array of 32-bit floats (copied).</summary>
    public void Set(string key, ReadOnlySpan<float> value) => Put(key, ConfigurationValueKind.SingleArray, value.ToArray());

    /// <summary>Sets an array of strings (copied); no element may be null.</summary>
    public void Set(string key, ReadOnlySpan<string> value)
    {
        foreach (string s in value)
            if (s is null) ThrowHelper.Argument(nameof(value), null, $"the strings of \"{key}\" must not be null");
        Put(key, ConfigurationValueKind.StringArray, value.ToArray());
    }

    /// <summary>The string at <paramref name="key"/>.</summary>
    public string GetString(string key) => (string)Get(key, ConfigurationValueKind.String);

    /// <summary>The 32-bit integer at <paramref name="key"/>.</summary>
    public int GetInt32(string key) => (int)Get(key, ConfigurationValueKind.Int32);

    /// <summary>The 64-bit integer at <paramref name="key"/>.</summary>
    public long GetInt64(string key) => (long)Get(key, ConfigurationValueKind.Int64);

    /// <summary>The 32-bit float at <paramref name="key"/>.</summary>
    public float GetSingle(string key) => (float)Get(key, ConfigurationValueKind.Single);

    /// <summary>The 64-bit float at <paramref name="key"/>.</summary>
    public double GetDouble(string key) => (double)Get(key, ConfigurationValueKind.Double);

    /// <summary>The boolean at <paramref name="key"/>.</summary>
    public bool GetBoolean(string key) => (bool)Get(key, ConfigurationValueKind.Boolean);

    /// <summary>A copy of the 32-bit integer array at <paramref name="key"/>.</summary>
    public int[] GetInt32Array(string key) => (int[])((int[])Get(key, ConfigurationValueKind.Int32Array)).Clone();

    /// <summary>A copy of the 64-bit integer array at <paramref name="key"/>.</summary>
    public long[] GetInt64Array(string key) => (long[])((long[])Get(key, ConfigurationValueKind.Int64Array)).Clone();

    /// <summary>A copy of the float array at <paramref name="key"/>.</summary>
    public float[] GetSingleArray(string key) => (float[])((float[])Get(key, ConfigurationValueKind.SingleArray)).Clone();

    /// <summary>A copy of the string array at <paramref name="key"/>.</summary>
    public string[] GetStringArray(string key) => (string[])((string[])Get(key, ConfigurationValueKind.StringArray)).Clone();

    /// <summary>The stored value without copying (for the file writer).</summary>
    internal object RawValue(string key) => Entry(key).Value;

    /// <summary>Stores a value already owned by the map (for the file reader).</summary>
    internal void Put(string key, ConfigurationValueKind kind, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_values.ContainsKey(key)) _keys.Add(key);
        _values[key] = (kind, value);
    }

    private object Get(string key, ConfigurationValueKind kind)
    {
        var entry = Entry(key);
        if (entry.Kind != kind) ThrowHelper.InvalidOperation($"Configuration key \"{key}\" holds a value of kind {entry.Kind}; it was read as {kind}.");
        return entry.Value;
    }

    private (ConfigurationValueKind Kind, object Value) Entry(string key) => _values.TryGetValue(key, out var e)
        ? e
        : throw new KeyNotFoundException($"The configuration has no key {ThrowHelper.Show(key)}; it has {(_keys.Count == 0 ? "none" : string.Join(", ", _keys))}.");
}
