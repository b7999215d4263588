using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Recurrent.SequenceClassification;

namespace MLNet.Recurrent.Onnx.Tests;

/// <summary>
/// What ML.NET's own <c>mlContext.Model.ConvertToOnnx</c> (package Microsoft.ML.OnnxConverter) does with our
/// pipelines, the facts behind README "Scale": it refuses a pipeline holding one of our transformers (it does not
/// drop it silently), and even the text preparation in front of a recurrent model would not give it rows to read:
/// the converted TokenizeIntoWords + MapValueToKey hands on the keys of a whole batch as one row, so each row's
/// length, which a recurrent model needs, is gone; with NormalizeText in front the converter fails on its own. If
/// ML.NET changes any of this, these tests say so.
/// </summary>
public sealed class MlNetConvertToOnnxTests
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i =>
        new Row { Text = (i % 2 == 0 ? "good w" : "bad w") + (i % 5), Label = i % 2 == 0 ? "P" : "N" }));

    private static IEstimator<ITransformer> Prefix(MLContext ml) =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"));

    [Fact]
    public void ml_nets_convert_to_onnx_refuses_a_pipeline_with_our_classifier()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        ITransformer model = Prefix(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(new LstmSequenceClassifier.Options
        {
            FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, ValidationFraction = 0,
        })).Fit(data);

        var error = Assert.Throws<InvalidOperationException>(() => ml.Model.ConvertToOnnx(model, data, new MemoryStream()));
        Assert.Contains("can not be fully converted", error.Message);
    }

    [Theory]
    [InlineData("ICanSaveOnnx")]
    [InlineData("ISaveAsOnnx")]
    [InlineData("OnnxContext")]
    [InlineData("OnnxNode")]
    public void the_types_a_convert_to_onnx_hook_would_implement_or_call_are_internal_to_ml_net(string name)
    {
        Type? type = typeof(Microsoft.ML.Data.TextLoader).Assembly.GetType("Microsoft.ML.Model.OnnxConverter." + name);
        Assert.NotNull(type);
        Assert.False(type.IsPublic);
    }

    [Fact]
    public void ml_nets_convert_to_onnx_fails_on_normalize_text_in_front_of_the_tokenizer_even_without_our_transformer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        ITransformer prefix = ml.Transforms.Text.NormalizeText("Normalized", "Text")
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens")).Fit(data);

        var error = Assert.Throws<KeyNotFoundException>(() => ml.Model.ConvertToOnnx(prefix, data, new MemoryStream()));
        Assert.Contains("'Normalized'", error.Message);
    }

    [Fact]
    public void ml_nets_converted_tokenizer_and_key_map_give_a_batch_of_two_sentences_as_one_row_of_keys()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        ITransformer prefix = Prefix(ml).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(prefix, data, stream);

        using var session = new InferenceSession(stream.ToArray());
        using var results = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("Text", new DenseTensor<string>(new[] { "good w1 w2", "bad zz" }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("Label", new DenseTensor<string>(new[] { "P", "N" }, [2, 1])),
        ]);
        var keys = results.Single(r => r.Name == "Tokens.output").AsTensor<uint>();

        // ML.NET itself gives two rows of 3 and 2 keys; the converted graph gives one row for both sentences.
        Assert.Equal(1, keys.Dimensions[0]);
        Assert.True(keys.Dimensions[1] >= 5, $"{keys.Dimensions[1]} keys");
    }
}
