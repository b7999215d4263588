using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Tests.Models;

/// <summary>
/// Issue 14: the encoder-decoder's reader keeps the loading contract (found by the SharpFuzz campaign, tests/fuzz:
/// a parameter renamed or reshaped by a mutation escaped as <see cref="ArgumentException"/>, and a crafted size
/// built the whole network before the weights were compared).
/// </summary>
public class EncoderDecoderLoadingTests
{
    private static ModelFile Saved()
    {
        var network = new EncoderDecoder(new EncoderDecoderOptions { SourceVocabularySize = 9, TargetVocabularySize = 8, EmbeddingSize = 4, HiddenSize = 5, AttentionSize = 3 });
        network.Initialize(seed: 3);
        var file = new ModelFile();
        network.WriteTo(file);
        return file;
    }

    private static ModelFile Copy(ModelFile source, Func<NamedTensor, NamedTensor> parameter)
    {
        var file = new ModelFile();
        foreach (string key in source.Configuration.Keys)
        {
            switch (source.Configuration.KindOf(key))
            {
                case ConfigurationValueKind.Int32: file.Configuration.Set(key, source.Configuration.GetInt32(key)); break;
                case ConfigurationValueKind.String: file.Configuration.Set(key, source.Configuration.GetString(key)); break;
                case ConfigurationValueKind.Boolean: file.Configuration.Set(key, source.Configuration.GetBoolean(key)); break;
                case ConfigurationValueKind.Single: file.Configuration.Set(key, source.Configuration.GetSingle(key)); break;
                default: throw new NotSupportedException(key);
            }
        }
        foreach (NamedTensor p in source.Parameters) file.AddParameter(parameter(p));
        return file;
    }

    [Fact]
    public void The_saved_file_loads_back()
    {
        EncoderDecoder loaded = EncoderDecoder.ReadFrom(Saved());
        Assert.Equal(5, loaded.Options.HiddenSize);
    }

    [Fact]
    public void A_renamed_parameter_raises_InvalidDataException_naming_it()
    {
        ModelFile file = Copy(Saved(), p => p.Name == "att_k.bias" ? new NamedTensor("att_k.bia#", p.Shape.ToArray(), p.Data) : p);
        var e = Assert.Throws<InvalidDataException>(() => EncoderDecoder.ReadFrom(file));
        Assert.Contains("att_k.bia#", e.Message);
    }

    [Fact]
    public void A_parameter_of_the_wrong_shape_raises_InvalidDataException_naming_it()
    {
        ModelFile file = Copy(Saved(), p => p.Name == "out.bias" ? new NamedTensor(p.Name, [3], new float[3]) : p);
        var e = Assert.Throws<InvalidDataException>(() => EncoderDecoder.ReadFrom(file));
        Assert.Contains("out.bias", e.Message);
    }

    [Fact]
    public void A_crafted_hidden_size_is_rejected_before_the_network_is_built()
    {
        ModelFile file = Saved();
        file.Configuration.Set("seq2seq.hiddenSize", 20_000); // would build about 3 GB of weights
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => EncoderDecoder.ReadFrom(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("'seq2seq.hiddenSize' 20000", e.Message);
        Assert.True(allocated < 1 << 20, $"reading allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_NaN_weight_and_an_undefined_cell_number_are_rejected()
    {
        ModelFile nan = Saved();
        nan.Parameters[0].Data[1] = float.NaN;
        Assert.Contains("was NaN; every stored weight must be a finite number", Assert.Throws<InvalidDataException>(() => EncoderDecoder.ReadFrom(nan)).Message);

        ModelFile cell = Saved();
        cell.Configuration.Set("seq2seq.cell", "7");
        Assert.Contains("'seq2seq.cell' was \"7\"", Assert.Throws<InvalidDataException>(() => EncoderDecoder.ReadFrom(cell)).Message);
    }
}
