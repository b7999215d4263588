using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Onnx.Tests.TestSupport;
using static MLNet.Recurrent.Onnx.Tests.TestSupport.OnnxRunner;

namespace MLNet.Recurrent.Onnx.Tests;

/// <summary>
/// Training beyond one machine, end to end: the engine exports a classifier (<c>engine_lstm_classifier.onnx</c>,
/// committed), <c>tests/fixtures/onnx/ddp_finetune.py</c> loads it into PyTorch and fine-tunes it with
/// DistributedDataParallel (2 processes, gloo), and the stack it exports (<c>ddp_lstm_classifier.onnx</c>) imports
/// back here and predicts what PyTorch predicts.
/// </summary>
public sealed class ScaleRoundTripTests
{
    internal const string EngineFixture = "engine_lstm_classifier";

    /// <summary>The classifier the DDP script starts from; seeded, so the exporter writes the same bytes every time.</summary>
    internal static SequenceNetwork EngineClassifier()
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 12, EmbeddingSize = 8, Cell = CellType.Lstm, HiddenSize = 16, Layers = 2,
            Pooling = SequencePoolingMode.Last, OutputSize = 2,
        });
        network.Initialize(seed: 2024);
        return network;
    }

    [Fact]
    public void the_committed_engine_export_is_byte_for_byte_what_the_exporter_writes_apart_from_its_version()
    {
        using var network = EngineClassifier();
        byte[] exported = SequenceNetworkOnnxExportTests.Export(network);
        string committed = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx", EngineFixture + ".onnx");
        // To refresh after an intended change of the exporter: MLNET_RECURRENT_ONNX_FIXTURES=<tests/fixtures/onnx> dotnet test ...
        if (Environment.GetEnvironmentVariable("MLNET_RECURRENT_ONNX_FIXTURES") is { Length: > 0 } folder)
            File.WriteAllBytes(Path.Combine(folder, EngineFixture + ".onnx"), exported);
        Assert.Equal(WithoutVersion(File.ReadAllBytes(committed)), WithoutVersion(exported));
    }

    /// <summary>The model's bytes with the producer version cleared: a new package version must not fail this test.</summary>
    private static byte[] WithoutVersion(byte[] model)
    {
        var proto = global::Onnx.ModelProto.Parser.ParseFrom(model);
        proto.ProducerVersion = "";
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    [Fact]
    public void pytorch_reads_the_engines_export_as_the_same_classifier()
    {
        var fixture = TorchFixture.Load("ddp_lstm_classifier");
        using var engine = EngineClassifier();

        Predict(engine, fixture);

        Assert.True(MaxDifference(fixture.Data("logits_before"), engine.Logits.Span, "PyTorch's logits of the engine's export") <= 1e-5f);
    }

    [Fact]
    public void a_classifier_fine_tuned_with_pytorch_ddp_imports_back_and_predicts_what_pytorch_predicts()
    {
        var fixture = TorchFixture.Load("ddp_lstm_classifier");
        using var engine = EngineClassifier();
        using var network = new SequenceNetwork(engine.Options);
        OnnxRecurrentImport.ReadRecurrentStack(fixture.OnnxPath).CopyTo(network);
        // Only the recurrent stack travels through the importer; the embedding and the output layer have the same
        // PyTorch names on both sides and come from the script's state_dict.
        foreach (string name in (string[])["embedding.weight", "output.weight", "output.bias"])
            fixture.Data(name).CopyTo(network.Parameters[name].Value);

        Predict(network, fixture);

        Assert.True(MaxDifference(fixture.Data("logits"), network.Logits.Span, "logits after DDP fine-tuning") <= 1e-5f);
        // The script fine-tuned: the imported weights are not the ones the engine exported.
        Assert.NotEqual(engine.Parameters["rnn.weight_hh_l1"].Value.ToArray(), network.Parameters["rnn.weight_hh_l1"].Value.ToArray());
        float accuracy = fixture.Config.GetProperty("accuracy_after").GetSingle();
        Console.WriteLine($"accuracy before {fixture.Config.GetProperty("accuracy_before").GetSingle():F3}, after {accuracy:F3}");
        Assert.True(accuracy > 0.9f, $"the DDP run reached accuracy {accuracy}");
    }

    /// <summary>Runs the fixture's batch (token ids <c>[B, T]</c> batch-major, as in PyTorch); the logits are in <c>network.Logits</c>.</summary>
    private static void Predict(SequenceNetwork network, TorchFixture fixture)
    {
        int[] shape = fixture.Shape("tokens");
        float[] tokens = fixture.Data("tokens");
        int[] lengths = fixture.Config.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var batch = new SequenceBatch();
        batch.Reset(shape[0], shape[1], 0, perStepTargets: false);
        for (int b = 0; b < shape[0]; b++)
            batch.SetTokens(b, tokens.AsSpan(b * shape[1], lengths[b]).ToArray().Select(v => (int)v).ToArray());
        using var probabilities = new Tensor(0);
        network.Predict(batch, probabilities);
    }
}
