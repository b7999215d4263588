// Usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv> [<prompt> <seed>]
// Loads the model with plain MLContext.Model.Load, transforms the input (ML.NET binary data view) and saves
// the result as a binary data view. With a prompt and a seed, a character language model in the chain also
// generates 100 characters (temperature 1) and writes them, UTF-8, to <output.idv>.txt.
// Exit code 0 on success; the exception on stderr otherwise.
// Usage: MLNet.Recurrent.ModelLoadProbe --save-checkpoints <path>
// Saves checkpoints 1, 2, 3, ... (configuration "n" = i, 2M weights all equal to i) to <path> until killed,
// printing "saved i" after each: the atomic-save test kills it at random points.
// Usage: MLNet.Recurrent.ModelLoadProbe --train-with-checkpoints <path> | --resume <checkpoint> <out> | --train <out>
// A small classifier trained on fixed synthetic data: saving a checkpoint after every step ("saved <step>") until
// killed; resuming from a checkpoint to the end; or training straight through. The last two write the final network,
// which the kill-then-resume test compares byte for byte.
using System.Globalization;
using Microsoft.ML;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Training;

if (args is ["--save-checkpoints", string checkpointPath])
{
    for (int i = 1; ; i++)
    {
        var file = new MLNet.Recurrent.Core.Serialization.ModelFile();
        file.Configuration.Set("n", i);
        var weights = new float[2_000_000];
        Array.Fill(weights, i);
        file.AddParameter(new MLNet.Recurrent.Core.Serialization.NamedTensor("w", [weights.Length], weights));
        file.Save(checkpointPath);
        Console.WriteLine($"saved {i}");
    }
}

if (args is ["--train-with-checkpoints", string trainCheckpointPath])
{
    var trainer = new SequenceTrainer(KillResume.Network(initSeed: 2), KillResume.Options())
    {
        OnCheckpoint = c =>
        {
            c.File.Save(trainCheckpointPath);
            Console.WriteLine($"saved {c.Step}");
        },
    };
    trainer.Fit(KillResume.Data());
    Console.WriteLine("finished");
    return 0;
}
if (args is ["--resume", string resumeFrom, string resumedOut])
{
    SequenceNetwork network = KillResume.Network(initSeed: 99); // other weights: the checkpoint must bring them all
    new SequenceTrainer(network, KillResume.Options()).Resume(TrainingCheckpoint.From(ModelFile.Load(resumeFrom)), KillResume.Data());
    KillResume.Save(network, resumedOut);
    return 0;
}
if (args is ["--train", string straightOut])
{
    SequenceNetwork network = KillResume.Network(initSeed: 2);
    new SequenceTrainer(network, KillResume.Options()).Fit(KillResume.Data());
    KillResume.Save(network, straightOut);
    return 0;
}

if (args.Length is not (3 or 5))
{
    Console.Error.WriteLine("usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv> [<prompt> <seed>]");
    return 2;
}

try
{
    var mlContext = new MLContext(seed: 1);
    ITransformer model = mlContext.Model.Load(args[0], out DataViewSchema? _);
    IDataView input = mlContext.Data.LoadFromBinary(args[1]);
    IDataView output = model.Transform(input);
    using (FileStream stream = File.Create(args[2]))
        mlContext.Data.SaveAsBinary(output, stream, keepHidden: false);
    if (args.Length == 5)
    {
        var lm = (model as IEnumerable<ITransformer> ?? [model]).OfType<CharLanguageModelTransformer>().Single();
        string text = lm.Generate(args[3], new GenerationOptions { MaxLength = 100, Seed = int.Parse(args[4], CultureInfo.InvariantCulture) });
        File.WriteAllText(args[2] + ".txt", text);
    }
    Console.WriteLine($"loaded {model.GetType().FullName}; wrote {string.Join(", ", output.Schema.Select(c => $"{c.Name}: {c.Type}"))}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    return 1;
}

/// <summary>The kill-then-resume run: fixed data, network and options (dropout on, so generator states matter).</summary>
internal static class KillResume
{
    public static InMemorySequences Data()
    {
        var random = new Random(1);
        var tokens = new int[96][];
        var labels = new int[96];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Enumerable.Range(0, 3 + random.Next(10)).Select(_ => random.Next(6)).ToArray();
            int ones = tokens[i].Count(v => v == 1), twos = tokens[i].Count(v => v == 2);
            labels[i] = ones > twos ? 0 : ones < twos ? 1 : 2;
        }
        return InMemorySequences.Classified(tokens, labels);
    }

    public static SequenceNetwork Network(int initSeed)
    {
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 6, EmbeddingSize = 5, Cell = CellType.Gru, HiddenSize = 8, Layers = 2, Dropout = 0.2f,
            Pooling = SequencePoolingMode.Mean, OutputSize = 3,
        });
        network.Initialize(initSeed);
        return network;
    }

    /// <summary>48 epochs of 5 batches (one checkpoint per step), with validation and best-weight restoring.</summary>
    public static SequenceTrainerOptions Options() => new()
    {
        LearningRate = 0.02, BatchSize = 16, Epochs = 48, ValidationFraction = 0.2, Patience = 0, Seed = 7, CheckpointEvery = 1,
    };

    public static void Save(SequenceNetwork network, string path)
    {
        var file = new ModelFile();
        network.WriteTo(file);
        file.Save(path);
    }
}
