using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    private const string Prefix = "network.";

    /// <summary>Writes the options (keys <c>network.*</c>) and every parameter by name into a model file.</summary>
    public void WriteTo(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var c = file.Configuration;
        var o = Options;
        c.Set(Prefix + "inputVocabularySize", o.InputVocabularySize);
        c.Set(Prefix + "embeddingSize", o.EmbeddingSize);
        c.Set(Prefix + "frameSize", o.FrameSize);
        c.Set(Prefix + "cell", o.Cell.ToString());
        c.Set(Prefix + "hiddenSize", o.HiddenSize);
        c.Set(Prefix + "layers", o.Layers);
        c.Set(Prefix + "bidirectional", o.Bidirectional);
        c.Set(Prefix + "dropout", o.Dropout);
        c.Set(Prefix + "learnedInitialState", o.LearnedInitialState);
        c.Set(Prefix + "perStepOutput", o.PerStepOutput);
        c.Set(Prefix + "pooling", o.Pooling.ToString());
        c.Set(Prefix + "outputSize", o.OutputSize);
        c.Set(Prefix + "outputLayer", o.OutputLayer.ToString());
        c.Set(Prefix + "characterVocabularySize", o.CharacterVocabularySize);
        c.Set(Prefix + "characterEmbeddingSize", o.CharacterEmbeddingSize);
        c.Set(Prefix + "characterHiddenSize", o.CharacterHiddenSize);
        // Written only when used, so files of networks without them stay readable by earlier versions.
        if (o.TokenDropout > 0f) c.Set(Prefix + "tokenDropout", o.TokenDropout);
        if (o.EmbeddingDropout > 0f) c.Set(Prefix + "embeddingDropout", o.EmbeddingDropout);
        if (o.HasSideInput) c.Set(Prefix + "sideInputSize", o.SideInputSize);
        file.AddParameters(Parameters);
    }

    /// <summary>
    /// Rebuilds a network written by <see cref="WriteTo"/>; names and shapes must match exactly. Before anything is
    /// built, every stored weight must be finite and the configuration must not describe more weights than the file
    /// stores, so a crafted configuration (<c>network.layers = 1000000</c>) cannot make the reader allocate more
    /// than a small multiple of the file's own size.
    /// </summary>
    /// <exception cref="InvalidDataException">The file's configuration or parameters do not describe a valid network.</exception>
    public static SequenceNetwork ReadFrom(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var c = file.Configuration;
        SequenceNetworkOptions options;
        try
        {
            options = new SequenceNetworkOptions
            {
                InputVocabularySize = c.GetInt32(Prefix + "inputVocabularySize"),
                EmbeddingSize = c.GetInt32(Prefix + "embeddingSize"),
                FrameSize = c.GetInt32(Prefix + "frameSize"),
                Cell = ParseEnum<CellType>(c.GetString(Prefix + "cell"), "cell"),
                HiddenSize = c.GetInt32(Prefix + "hiddenSize"),
                Layers = c.GetInt32(Prefix + "layers"),
                Bidirectional = c.GetBoolean(Prefix + "bidirectional"),
                Dropout = c.GetSingle(Prefix + "dropout"),
                LearnedInitialState = c.GetBoolean(Prefix + "learnedInitialState"),
                PerStepOutput = c.GetBoolean(Prefix + "perStepOutput"),
                Pooling = ParseEnum<SequencePoolingMode>(c.GetString(Prefix + "pooling"), "pooling"),
                OutputSize = c.GetInt32(Prefix + "outputSize"),
                // Files written before the CRF option have a softmax output layer.
                OutputLayer = c.Contains(Prefix + "outputLayer")
                    ? ParseEnum<SequenceOutputLayer>(c.GetString(Prefix + "outputLayer"), "outputLayer") : SequenceOutputLayer.Softmax,
                CharacterVocabularySize = c.Contains(Prefix + "characterVocabularySize") ? c.GetInt32(Prefix + "characterVocabularySize") : 0,
                CharacterEmbeddingSize = c.Contains(Prefix + "characterEmbeddingSize") ? c.GetInt32(Prefix + "characterEmbeddingSize") : 25,
                CharacterHiddenSize = c.Contains(Prefix + "characterHiddenSize") ? c.GetInt32(Prefix + "characterHiddenSize") : 25,
                TokenDropout = c.Contains(Prefix + "tokenDropout") ? c.GetSingle(Prefix + "tokenDropout") : 0f,
                EmbeddingDropout = c.Contains(Prefix + "embeddingDropout") ? c.GetSingle(Prefix + "embeddingDropout") : 0f,
                SideInputSize = c.Contains(Prefix + "sideInputSize") ? c.GetInt32(Prefix + "sideInputSize") : 0,
            };
            options.Validate();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidCastException or InvalidOperationException)
        {
            throw new InvalidDataException($"The model file does not describe a sequence network: {e.Message}", e);
        }
        CheckStoredParameters(file, options);
        var network = new SequenceNetwork(options);
        try
        {
            file.CopyParametersTo(network.Parameters);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The model file's parameters do not fit the sequence network it configures: {e.Message}", e);
        }
        return network;
    }

    /// <summary>Weights finite, and at least as many stored as the configuration's network must have (checked before building it).</summary>
    private static void CheckStoredParameters(ModelFile file, SequenceNetworkOptions o)
    {
        long stored = 0;
        foreach (NamedTensor p in file.Parameters)
        {
            int bad = IndexOfNonFinite(p.Data);
            if (bad >= 0) ThrowHelper.InvalidData($"Value {bad} of parameter \"{p.Name}\"", p.Data[bad], "every stored weight must be a finite number");
            stored += p.Data.Length;
        }
        // A lower bound on the weights of the configured network: each layer and direction has an input-to-hidden
        // matrix of at least H x input and a hidden-to-hidden one of at least H x H (gated cells have 3 or 4 times
        // more), plus the embedding (V x E) and the output layer (K x H per direction).
        double h = o.HiddenSize, directions = o.Bidirectional ? 2 : 1;
        double needed = directions * h * (o.RecurrentInputSize + h)
            + (o.Layers - 1.0) * directions * h * (directions * h + h)
            + (o.TokenInput ? (double)o.InputVocabularySize * o.EmbeddingSize : 0)
            + directions * h * o.OutputSize
            + (double)o.SideInputSize * o.OutputSize;
        if (needed > stored)
            ThrowHelper.InvalidData($"The configured network ('{Prefix}layers' {o.Layers}, '{Prefix}hiddenSize' {o.HiddenSize}, " +
                $"'{Prefix}inputVocabularySize' {o.InputVocabularySize}, '{Prefix}embeddingSize' {o.EmbeddingSize}, '{Prefix}frameSize' {o.FrameSize}, " +
                $"'{Prefix}outputSize' {o.OutputSize}); its weight count", $"at least {needed:0}", $"the file stores only {stored} weights, so the configuration is corrupt or crafted");
    }

    private static int IndexOfNonFinite(float[] data)
    {
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i])) return i;
        return -1;
    }

    private static T ParseEnum<T>(string text, string key) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidDataException($"'{Prefix}{key}' was \"{text}\"; it must be one of {string.Join(", ", Enum.GetNames<T>())}.");
}
