using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    private const string Prefix = "seq2seq.";

    /// <summary>Writes the options (keys <c>seq2seq.*</c>) and every parameter by name into a model file.</summary>
    public void WriteTo(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var c = file.Configuration;
        var o = Options;
        c.Set(Prefix + "sourceVocabularySize", o.SourceVocabularySize);
        c.Set(Prefix + "sourceVectorSize", o.SourceVectorSize);
        c.Set(Prefix + "targetVocabularySize", o.TargetVocabularySize);
        c.Set(Prefix + "embeddingSize", o.EmbeddingSize);
        c.Set(Prefix + "hiddenSize", o.HiddenSize);
        c.Set(Prefix + "encoderLayers", o.EncoderLayers);
        c.Set(Prefix + "cell", o.Cell.ToString());
        c.Set(Prefix + "attention", o.Attention.ToString());
        c.Set(Prefix + "attentionSize", o.AttentionSize);
        c.Set(Prefix + "inputFeeding", o.InputFeeding);
        c.Set(Prefix + "conditionEveryStep", o.ConditionEveryStep);
        c.Set(Prefix + "dropout", o.Dropout);
        c.Set(Prefix + "labelSmoothing", o.LabelSmoothing);
        file.AddParameters(Parameters);
    }

    /// <summary>
    /// Rebuilds a network written by <see cref="WriteTo"/>; names and shapes must match exactly. Before anything is
    /// built, every stored weight must be finite and the configuration must not describe more weights than the file
    /// stores, so a crafted configuration cannot make the reader allocate more than a small multiple of the file's size.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not describe a valid encoder-decoder.</exception>
    public static EncoderDecoder ReadFrom(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var c = file.Configuration;
        EncoderDecoderOptions options;
        try
        {
            options = new EncoderDecoderOptions
            {
                SourceVocabularySize = c.GetInt32(Prefix + "sourceVocabularySize"),
                SourceVectorSize = c.GetInt32(Prefix + "sourceVectorSize"),
                TargetVocabularySize = c.GetInt32(Prefix + "targetVocabularySize"),
                EmbeddingSize = c.GetInt32(Prefix + "embeddingSize"),
                HiddenSize = c.GetInt32(Prefix + "hiddenSize"),
                EncoderLayers = c.GetInt32(Prefix + "encoderLayers"),
                Cell = ParseEnum<CellType>(c.GetString(Prefix + "cell"), "cell"),
                Attention = ParseEnum<AttentionStyle>(c.GetString(Prefix + "attention"), "attention"),
                AttentionSize = c.GetInt32(Prefix + "attentionSize"),
                InputFeeding = c.GetBoolean(Prefix + "inputFeeding"),
                // Absent from files written before the option existed: the vector entered through the encoder only.
                ConditionEveryStep = c.Contains(Prefix + "conditionEveryStep") && c.GetBoolean(Prefix + "conditionEveryStep"),
                Dropout = c.GetSingle(Prefix + "dropout"),
                LabelSmoothing = c.GetSingle(Prefix + "labelSmoothing"),
            };
            options.Validate();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidCastException or InvalidOperationException)
        {
            throw new InvalidDataException($"The model file does not describe an encoder-decoder: {e.Message}", e);
        }
        CheckStoredParameters(file, options);
        var network = new EncoderDecoder(options);
        try
        {
            file.CopyParametersTo(network.Parameters);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The model file's parameters do not fit the encoder-decoder it configures: {e.Message}", e);
        }
        return network;
    }

    /// <summary>Weights finite, and at least as many stored as the configured network must have (checked before building it).</summary>
    private static void CheckStoredParameters(ModelFile file, EncoderDecoderOptions o)
    {
        long stored = 0;
        foreach (NamedTensor p in file.Parameters)
        {
            for (int i = 0; i < p.Data.Length; i++)
                if (!float.IsFinite(p.Data[i]))
                    throw new InvalidDataException($"Value {i} of parameter \"{p.Name}\" was {p.Data[i]}; every stored weight must be a finite number.");
            stored += p.Data.Length;
        }
        // A lower bound on the configured network's weights: the source embedding or projection (V x E or F x E), the
        // target embedding (V x E), the output layer (V x H), the encoder's hidden-to-hidden matrices (H x H per layer and
        // direction), the decoder's (H x H) and the attention's query (A x H).
        double h = o.HiddenSize, e = o.EmbeddingSize;
        double needed = (o.SourceVectorSize > 0 ? (double)o.SourceVectorSize : o.SourceVocabularySize) * e
            + (double)o.TargetVocabularySize * (e + h)
            + 2.0 * o.EncoderLayers * h * h + h * h + (double)o.AttentionWidth * h;
        if (needed > stored)
            throw new InvalidDataException($"The configured encoder-decoder ('{Prefix}hiddenSize' {o.HiddenSize}, '{Prefix}embeddingSize' {o.EmbeddingSize}, " +
                $"'{Prefix}encoderLayers' {o.EncoderLayers}, '{Prefix}sourceVocabularySize' {o.SourceVocabularySize}, '{Prefix}sourceVectorSize' {o.SourceVectorSize}, " +
                $"'{Prefix}targetVocabularySize' {o.TargetVocabularySize}, '{Prefix}attentionSize' {o.AttentionSize}) has at least {needed:0} weights; " +
                $"the file stores only {stored}, so the configuration is corrupt or crafted.");
    }

    private static T ParseEnum<T>(string text, string key) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidDataException($"'{Prefix}{key}' was \"{text}\"; it must be one of {string.Join(", ", Enum.GetNames<T>())}.");
}
