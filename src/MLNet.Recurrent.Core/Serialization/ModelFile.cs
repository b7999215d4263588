using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Serialization;

/// <summary>
/// A model as it is stored on disk: a configuration map, vocabularies, parameters by name with shapes, and
/// optionally optimizer and training state (a checkpoint). The binary layout, all little-endian:
/// <code>
/// magic       8 bytes   89 4D 4C 4E 52 4E 4E 1A  ("\x89MLNRNN\x1A")
/// version     uint32    FormatVersion
/// length      int64     payload byte count
/// payload     sections: tag (4 ASCII bytes) + int64 byte count + contents, in the order
///                       CONF (configuration), VOCB (vocabularies), PARM (parameters), [OPTM (optimizer)], [TRST (training state)]
/// checksum    uint32    CRC-32 (IEEE) of everything from the version through the payload
/// </code>
/// Strings are an int32 byte count then UTF-8; arrays an int32 count then the elements. A reader skips sections
/// with tags it does not know, so a later writer can add sections without a new version.
/// </summary>
public sealed partial class ModelFile
{
    /// <summary>The format version this library writes and the only one it reads.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The largest payload this version reads or writes: the largest .NET array (about 2 GiB, ~530M float32 weights).</summary>
    public static long MaxPayloadLength => Array.MaxLength;

    private readonly List<KeyValuePair<string, string[]>> _vocabularies = [];
    private readonly List<NamedTensor> _parameters = [];

    /// <summary>The model's configuration: whatever is needed to rebuild the network before loading its weights.</summary>
    public ConfigurationMap Configuration { get; } = new();

    /// <summary>The vocabularies by name, in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, string[]>> Vocabularies => _vocabularies;

    /// <summary>The parameters, in the order they were added.</summary>
    public IReadOnlyList<NamedTensor> Parameters => _parameters;

    /// <summary>The optimizer's state when the file is a checkpoint; otherwise null.</summary>
    public OptimizerState? OptimizerState { get; set; }

    /// <summary>Training progress (step, epoch, random states, ...) when the file is a checkpoint; otherwise null.</summary>
    public ConfigurationMap? TrainingState { get; set; }

    /// <summary>Adds a vocabulary (the tokens are copied).</summary>
    /// <param name="name">A unique name, e.g. <c>"source"</c>.</param>
    /// <param name="tokens">The tokens in id order; none null.</param>
    public void AddVocabulary(string name, IEnumerable<string> tokens)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tokens);
        if (FindVocabulary(name) is not null) ThrowHelper.Argument(nameof(name), name, "a vocabulary of that name already exists");
        string[] copy = tokens.ToArray();
        if (Array.IndexOf(copy, null) is int i and >= 0) ThrowHelper.Argument(nameof(tokens), null, $"token {i} of vocabulary \"{name}\" must not be null");
        _vocabularies.Add(new(name, copy));
    }

    /// <summary>The vocabulary called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No vocabulary has that name.</exception>
    public IReadOnlyList<string> GetVocabulary(string name) => FindVocabulary(name)
        ?? throw new KeyNotFoundException($"The model file has no vocabulary {ThrowHelper.Show(name)}; it has {(_vocabularies.Count == 0 ? "none" : string.Join(", ", _vocabularies.Select(v => v.Key)))}.");

    /// <summary>Adds one tensor.</summary>
    /// <param name="tensor">A tensor whose name is not yet in the file.</param>
    public void AddParameter(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_parameters.Any(p => p.Name == tensor.Name)) ThrowHelper.Argument(nameof(tensor), tensor.Name, "a parameter of that name already exists");
        _parameters.Add(tensor);
    }

    /// <summary>Adds a copy of every parameter of the set, in its order.</summary>
    /// <param name="parameters">The model's parameters.</param>
    public void AddParameters(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters.Parameters) AddParameter(NamedTensor.From(p));
    }

    /// <summary>
    /// Copies the stored values into an existing set, which must hold exactly the same names with the same shapes
    /// (the network is rebuilt from <see cref="Configuration"/> first, then its weights are loaded).
    /// </summary>
    /// <param name="parameters">The set to fill.</param>
    public void CopyParametersTo(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var stored in _parameters)
        {
            if (!parameters.Contains(stored.Name))
                ThrowHelper.Argument(nameof(parameters), stored.Name, $"the file stores this parameter but the set has only {string.Join(", ", parameters.Parameters.Select(p => p.Name))}");
            var target = parameters[stored.Name];
            if (!target.Shape.SequenceEqual(stored.Shape))
                ThrowHelper.Argument(nameof(parameters), target.ToString(), $"the file stores {stored}; the shapes must match");
        }
        foreach (var p in parameters.Parameters)
            if (!_parameters.Any(s => s.Name == p.Name)) ThrowHelper.Argument(nameof(parameters), p.Name, "the set has this parameter but the file does not store it");
        foreach (var stored in _parameters) stored.Data.CopyTo(parameters[stored.Name].Value);
    }

    /// <summary>A new set holding the stored parameters, in the file's order.</summary>
    public ParameterSet ToParameterSet()
    {
        var set = new ParameterSet();
        foreach (var stored in _parameters) set.Add(stored.Name, stored.Shape.ToArray());
        foreach (var stored in _parameters) stored.Data.CopyTo(set[stored.Name].Value);
        return set;
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/>, replacing it atomically: the bytes go to a temporary file beside it,
    /// flushed to disk, then renamed over it, so a crash mid-write leaves the previous file (a checkpoint) loadable.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, Write);
    }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, not a model file, or of an unknown version.</exception>
    public static ModelFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    private string[]? FindVocabulary(string name)
    {
        foreach (var v in _vocabularies)
            if (v.Key == name) return v.Value;
        return null;
    }
}
