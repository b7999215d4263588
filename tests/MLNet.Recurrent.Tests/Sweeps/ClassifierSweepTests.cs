using Microsoft.ML;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Sweeps;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.Sweeps;

/// <summary>A real sweep of the classifier, kept tiny: two trials of a small network on the colour sentences.</summary>
public sealed class ClassifierSweepTests
{
    private static async Task<SweepResult<LstmSequenceClassifier.Options>> Sweep(MLContext ml, IDataView train, IDataView validation)
    {
        var experiment = new SweepExperiment<LstmSequenceClassifier.Options>(ml, SentenceData.SmallOptions(epochs: 4))
            .SetPipeline(options => SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options)))
            .SetDataset(train, validation)
            .SetMetric(SweepMetric.Accuracy())
            .SetMaxTrials(2)
            .SetSeed(11);
        foreach (SweepParameter p in experiment.SearchSpace.Parameters.ToArray()) experiment.SearchSpace.Remove(p.Name);
        experiment.SearchSpace.SetChoices("HiddenSize", 6, 10).SetRange("LearningRate", 0.01, 0.05, logScale: true);
        return await experiment.RunAsync();
    }

    [Fact]
    public async Task A_classifier_sweep_is_reproducible_and_returns_the_best_model_ready_to_save()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(90, seed: 1));
        IDataView validation = ml.Data.LoadFromEnumerable(SentenceData.Make(30, seed: 2));

        SweepResult<LstmSequenceClassifier.Options> result = await Sweep(ml, train, validation);
        SweepResult<LstmSequenceClassifier.Options> again = await Sweep(ml, train, validation);

        Assert.All(result.Trials, t => Assert.Equal(SweepTrialStatus.Completed, t.Status));
        Assert.Equal(result.Trials.Select(t => t.Metric), again.Trials.Select(t => t.Metric));
        Assert.Equal(result.Trials.Select(SweepTable.Options), again.Trials.Select(SweepTable.Options));
        Assert.Equal(0.02, result.Trials[0].Options.LearningRate); // the first trial is the base options
        Assert.All(result.Trials, t => Assert.InRange(t.Metric, 0.0, 1.0));

        // The best model scores the validation rows as the sweep did, and survives save and load.
        double accuracy = ml.MulticlassClassification.Evaluate(result.BestModel!.Transform(validation)).MicroAccuracy;
        Assert.Equal(result.BestTrial!.Metric, accuracy);
        using var stream = new MemoryStream();
        ml.Model.Save(result.BestModel, result.InputSchema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        Assert.Equal(accuracy, ml.MulticlassClassification.Evaluate(loaded.Transform(validation)).MicroAccuracy);
    }
}
