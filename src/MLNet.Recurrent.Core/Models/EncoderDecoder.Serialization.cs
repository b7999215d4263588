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

    /// <summary>Rebuilds a network written by <see cref="WriteTo"/>; names and shapes must match exactly.</summary>
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
                Cell = Enum.Parse<CellType>(c.GetString(Prefix + "cell")),
                Attention = Enum.Parse<AttentionStyle>(c.GetString(Prefix + "attention")),
                AttentionSize = c.GetInt32(Prefix + "attentionSize"),
                InputFeeding = c.GetBoolean(Prefix + "inputFeeding"),
                // Absent from files written before the option existed: the vector entered through the encoder only.
                ConditionEveryStep = c.Contains(Prefix + "conditionEveryStep") && c.GetBoolean(Prefix + "conditionEveryStep"),
                Dropout = c.GetSingle(Prefix + "dropout"),
                LabelSmoothing = c.GetSingle(Prefix + "labelSmoothing"),
            };
            options.Validate();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidCastException)
        {
            throw new InvalidDataException($"The model file does not describe an encoder-decoder: {e.Message}", e);
        }
        var network = new EncoderDecoder(options);
        file.CopyParametersTo(network.Parameters);
        return network;
    }
}
