using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.SequenceClassification;

/// <summary>
/// Transfer through ML.NET: <c>PretrainingEpochs</c> trains the embedding and recurrent layers as language models on
/// the training rows and the unlabelled rows of <c>PretrainingData</c> before the labels.
/// </summary>
public sealed class LstmSequenceClassifierPretrainingTests(ITestOutputHelper output)
{
    private static LstmSequenceClassifier.Options Options(int pretrainingEpochs, IDataView? unlabelled = null)
    {
        var o = SentenceData.SmallOptions(epochs: 4);
        o.Bidirectional = true;
        o.PretrainingEpochs = pretrainingEpochs;
        o.PretrainingData = unlabelled;
        return o;
    }

    [Fact]
    public void pretraining_on_unlabelled_rows_is_logged_changes_the_model_is_seeded_across_thread_counts_and_survives_a_model_zip_round_trip()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(150, seed: 1));
        IDataView test = ml.Data.LoadFromEnumerable(SentenceData.Make(40, seed: 2));
        ITransformer featurizer = SentenceData.Featurize(ml).Fit(train);
        IDataView unlabelled = featurizer.Transform(ml.Data.LoadFromEnumerable(SentenceData.Make(100, seed: 3)));
        IDataView features = featurizer.Transform(train);

        var twoThreads = Options(3, unlabelled);
        twoThreads.Threads = 2;
        var fitted = ml.Transforms.Recurrent.LstmSequenceClassifier(twoThreads).Fit(features);
        string[] pretrained = messages.Where(m => m.Contains("pretrained the", StringComparison.Ordinal)).ToArray();
        foreach (string m in pretrained) output.WriteLine(m);
        Assert.Equal(2, pretrained.Length);
        Assert.Contains("forward language model on 150 training rows + 100 unlabelled rows for 3 epochs", pretrained[0]);
        Assert.Contains("backward language model", pretrained[1]);

        float[][] scores = SentenceData.ReadVectors(fitted.Transform(featurizer.Transform(test)), "Score");
        var oneThread = Options(3, unlabelled);
        oneThread.Threads = 1;
        float[][] again = SentenceData.ReadVectors(ml.Transforms.Recurrent.LstmSequenceClassifier(oneThread).Fit(features)
            .Transform(featurizer.Transform(test)), "Score");
        float[][] without = SentenceData.ReadVectors(ml.Transforms.Recurrent.LstmSequenceClassifier(Options(0)).Fit(features)
            .Transform(featurizer.Transform(test)), "Score");
        for (int r = 0; r < scores.Length; r++) Assert.Equal(scores[r], again[r]); // seeded, whatever the thread count
        Assert.Contains(Enumerable.Range(0, scores.Length), r => !scores[r].SequenceEqual(without[r])); // and really applied

        ITransformer model = new TransformerChain<ITransformer>(featurizer, fitted);
        string path = Path.Combine(Path.GetTempPath(), $"pretrained-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            ITransformer loaded = new MLContext(seed: 5).Model.Load(path, out _);
            float[][] after = SentenceData.ReadVectors(loaded.Transform(test), "Score");
            for (int r = 0; r < scores.Length; r++) Assert.Equal(scores[r], after[r]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void bad_pretraining_options_are_named_with_their_value()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(40, seed: 4));
        ITransformer featurizer = SentenceData.Featurize(ml).Fit(train);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(Options(-1)));
        Assert.Contains("'PretrainingEpochs' was -1", e.Message);

        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Recurrent.LstmSequenceClassifier(Options(0, featurizer.Transform(train))));
        Assert.Contains("'PretrainingData'", e2.Message);
        Assert.Contains("'PretrainingEpochs' above 0", e2.Message);

        // Unlabelled text mapped by another vocabulary: its keys would mean other words.
        IDataView other = SentenceData.Featurize(ml).Fit(ml.Data.LoadFromEnumerable(SentenceData.Make(5, seed: 9))).Transform(train);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Recurrent.LstmSequenceClassifier(Options(1, other)).Fit(featurizer.Transform(train)));
        Assert.Contains("'PretrainingData'", e3.Message);
        Assert.Contains("column 'Tokens' has", e3.Message);
        Assert.Contains("same fitted MapValueToKey", e3.Message);

        var frames = SignFrames.SmallOptions();
        frames.PretrainingEpochs = 2;
        var e4 = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Recurrent.LstmSequenceClassifier(frames).Fit(SignFrames.ToDataView(ml, SignFrames.Make(20, seed: 1))));
        Assert.Contains("'PretrainingEpochs' was 2", e4.Message);
        Assert.Contains("frames", e4.Message);
    }
}
