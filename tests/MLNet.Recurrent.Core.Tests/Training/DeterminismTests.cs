using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Training;

/// <summary>Tests that change <see cref="ComputeSettings.MaxThreads"/> run alone, never beside another test class.</summary>
[CollectionDefinition("ComputeSettings", DisableParallelization = true)]
public sealed class ComputeSettingsCollection;

/// <summary>The same seed gives bit-identical weights after N steps, with 1 thread or 2.</summary>
[Collection("ComputeSettings")]
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private static float[] WithThreads(int threads, Func<float[]> train)
    {
        int saved = ComputeSettings.MaxThreads;
        try
        {
            ComputeSettings.MaxThreads = threads;
            return train();
        }
        finally
        {
            ComputeSettings.MaxThreads = saved;
        }
    }

    private static float[] TrainSequences()
    {
        // H = 64 and B = 32 so the GEMMs are big enough to be split over threads.
        var network = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 6, EmbeddingSize = 16, Cell = CellType.Lstm, HiddenSize = 64, Layers = 2, Dropout = 0.2f,
            Bidirectional = true, OutputSize = 3,
        });
        network.Initialize(seed: 4);
        new SequenceTrainer(network, new SequenceTrainerOptions { BatchSize = 32, Epochs = 2, ValidationFraction = 0.2, Seed = 4 })
            .Fit(TrainingData.Counting(200, seed: 3)); // 5 steps per epoch
        return network.Parameters.Values;
    }

    private static float[] TrainStream()
    {
        var network = TrainingData.LanguageModel(CellType.Gru, seed: 6, dropout: 0.1f, layers: 2, hidden: 64);
        new StreamTrainer(network, new StreamTrainerOptions { BatchSize = 32, SequenceLength = 8, BackpropSteps = 16, Steps = 10, EvaluateEvery = 5, Seed = 6 })
            .Fit(TrainingData.Stream(4000, seed: 7));
        return network.Parameters.Values;
    }

    [Fact]
    public void Sequence_trainer_weights_are_bit_identical_with_1_or_2_threads()
    {
        var one = WithThreads(1, TrainSequences);
        var two = WithThreads(2, TrainSequences);
        var again = WithThreads(2, TrainSequences);
        var initial = new SequenceNetwork(new SequenceNetworkOptions
        {
            InputVocabularySize = 6, EmbeddingSize = 16, Cell = CellType.Lstm, HiddenSize = 64, Layers = 2, Dropout = 0.2f,
            Bidirectional = true, OutputSize = 3,
        });
        initial.Initialize(seed: 4);
        output.WriteLine($"{one.Length} weights; max change from the initial weights {one.Zip(initial.Parameters.Values, (a, b) => Math.Abs(a - b)).Max():E3}");
        Assert.NotEqual(initial.Parameters.Values, one); // training moved the weights
        Assert.Equal(one, two);
        Assert.Equal(two, again);
    }

    [Fact]
    public void Stream_trainer_weights_are_bit_identical_with_1_or_2_threads()
    {
        var one = WithThreads(1, TrainStream);
        var two = WithThreads(2, TrainStream);
        Assert.Equal(one, two);
        Assert.NotEqual(TrainingData.LanguageModel(CellType.Gru, seed: 6, dropout: 0.1f, layers: 2, hidden: 64).Parameters.Values, one);
    }
}
