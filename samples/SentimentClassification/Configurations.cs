using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.SequenceClassification;

namespace MLNet.Recurrent.SentimentClassification;

/// <summary>The LSTM recipe the sample runs, and every configuration tried on the way to it (README's table).</summary>
public static class Configurations
{
    /// <summary>How the recipe's side input scales each row's n-gram counts.</summary>
    public const TextFeaturizingEstimator.NormFunction RecipeNorm = TextFeaturizingEstimator.NormFunction.None;

    /// <summary>The seed every configuration trains from (weights, validation split, batches), whatever ran before it.</summary>
    public const int Seed = 1;

    /// <summary>
    /// The LSTM options the sample runs by default: the short-text recipe as the library defines it
    /// (<see cref="LstmSequenceClassifier.Options.ForShortText"/>, also <c>LstmTextClassifier</c>'s defaults) with seed 1.
    /// </summary>
    public static LstmSequenceClassifier.Options Recipe()
    {
        LstmSequenceClassifier.Options recipe = LstmSequenceClassifier.Options.ForShortText(featureColumnName: "Tokens", sideColumnName: "NGrams");
        recipe.Seed = Seed;
        return recipe;
    }

    /// <summary>
    /// The previous recipe: the recipe's network and training (bidirectional LSTM, mean pooling, dropout 0.5, every
    /// word its own embedding, at most 20 epochs, rows cut to 60 words) without the side input and the other levers.
    /// </summary>
    public static LstmSequenceClassifier.Options Plain() => With(Recipe());

    /// <summary>A copy of <paramref name="o"/> with the levers set.</summary>
    public static LstmSequenceClassifier.Options With(LstmSequenceClassifier.Options o, bool side = false, float tokenDropout = 0, float embeddingDropout = 0,
        double adamW = 0, bool temperature = false, float? dropout = null, double? learningRate = null, int? patience = null, int? seed = null,
        int pretrainingEpochs = 0)
    {
        return new LstmSequenceClassifier.Options
        {
            LabelColumnName = o.LabelColumnName,
            FeatureColumnName = o.FeatureColumnName,
            Cell = o.Cell,
            EmbeddingSize = o.EmbeddingSize,
            HiddenSize = o.HiddenSize,
            Bidirectional = o.Bidirectional,
            Pooling = o.Pooling,
            Dropout = dropout ?? o.Dropout,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = learningRate ?? o.LearningRate,
            ValidationFraction = o.ValidationFraction,
            Patience = patience ?? o.Patience,
            MaxSequenceLength = o.MaxSequenceLength,
            MinTokenCount = o.MinTokenCount,
            Seed = seed ?? o.Seed,
            SideColumnName = side ? "NGrams" : null,
            TokenDropout = tokenDropout,
            EmbeddingDropout = embeddingDropout,
            Optimizer = adamW > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam,
            WeightDecay = adamW,
            TemperatureScaling = temperature,
            PretrainingEpochs = pretrainingEpochs,
        };
    }

    /// <summary>The transfer lever's language model epochs in the configurations that use it.</summary>
    public const int PretrainingEpochs = 5;

    /// <summary>The recipe with language model pretraining (on the training sentences, plus any unlabelled text given to <see cref="Fit"/>).</summary>
    public static LstmSequenceClassifier.Options RecipeWithTransfer(int? seed = null, double adamW = 1) =>
        With(Recipe(), side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: adamW, temperature: true, seed: seed, pretrainingEpochs: PretrainingEpochs);

    /// <summary>The pipeline's text steps before the classifier: n-grams, normalized words, word keys, label keys.</summary>
    public static IEstimator<ITransformer> Prefix(MLContext ml, TextFeaturizingEstimator.NormFunction norm = RecipeNorm) =>
        ml.Transforms.Text.FeaturizeText("NGrams", new TextFeaturizingEstimator.Options { Norm = norm }, "Text")
            .Append(ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Norm"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"));

    /// <summary>
    /// Fits <see cref="Pipeline"/> in two parts, so unlabelled text can be given to the classifier's language model
    /// pretraining in the words' keys: the text steps are fitted on <paramref name="train"/>, then map
    /// <paramref name="unlabelled"/> (words the training sentences never use become the unknown word), then the
    /// classifier is fitted. Without unlabelled text it fits exactly what <see cref="Pipeline"/> fits.
    /// </summary>
    public static ITransformer Fit(MLContext ml, LstmSequenceClassifier.Options options, IDataView train, IEnumerable<Sentence>? unlabelled,
        TextFeaturizingEstimator.NormFunction norm = RecipeNorm)
    {
        ITransformer prefix = Prefix(ml, norm).Fit(train);
        if (unlabelled is not null) options.PretrainingData = prefix.Transform(ml.Data.LoadFromEnumerable(unlabelled));
        ITransformer rest = ml.Transforms.Recurrent.LstmSequenceClassifier(options)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"))
            .Fit(prefix.Transform(train));
        return new TransformerChain<ITransformer>(prefix, rest);
    }

    /// <summary>
    /// Text -> the baseline's n-grams ("NGrams", kept for the side input) and normalized words -> keys -> the classifier
    /// -> the predicted label as text.
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="options">The classifier's options.</param>
    /// <param name="norm">How FeaturizeText scales each row's n-gram counts (the baseline keeps its default, L2).</param>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, LstmSequenceClassifier.Options options, TextFeaturizingEstimator.NormFunction norm = RecipeNorm) =>
        Prefix(ml, norm)
            .Append(ml.Transforms.Recurrent.LstmSequenceClassifier(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSentiment", "PredictedLabel"));

    /// <summary>Trains and scores every configuration tried, one after the other, and prints a row for each.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="train">The training rows.</param>
    /// <param name="test">The test rows.</param>
    /// <param name="baseline">The baseline's figures, printed first.</param>
    /// <param name="filter">Runs only the configurations whose name contains this text (or one of several separated by '|'); null runs all.</param>
    /// <param name="austen">Unlabelled sentences for the transfer configurations.</param>
    public static void Run(MLContext ml, IDataView train, IDataView test, Scores baseline, string? filter, Sentence[] austen)
    {
        var p = Plain();
        const TextFeaturizingEstimator.NormFunction L2 = TextFeaturizingEstimator.NormFunction.L2, Counts = TextFeaturizingEstimator.NormFunction.None,
            Max = TextFeaturizingEstimator.NormFunction.Infinity;
        (string Name, LstmSequenceClassifier.Options Options, TextFeaturizingEstimator.NormFunction Norm)[] tried =
        [
            ("previous recipe: BiLSTM, mean pooling, dropout 0.5", p, L2),
            ("+ token dropout 0.1", With(p, tokenDropout: 0.1f), L2),
            ("+ embedding dropout 0.25", With(p, embeddingDropout: 0.25f), L2),
            ("+ AdamW, weight decay 0.01", With(p, adamW: 0.01), L2),
            ("+ temperature scaling", With(p, temperature: true), L2),
            ("+ all four regularisers", With(p, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.01, temperature: true), L2),
            ("+ n-gram side input (L2-normalized)", With(p, side: true), L2),
            ("+ side (L2), token 0.1, embedding 0.25, AdamW 0.01, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.01, temperature: true), L2),
            ("+ side (max-normalized), token 0.1, embedding 0.25, AdamW 0.01, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.01, temperature: true), Max),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 0.01, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.01, temperature: true), Counts),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 0.1, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.1, temperature: true), Counts),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 0.5, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.5, temperature: true), Counts),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 0.1, temperature, patience 5", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 0.1, temperature: true, patience: 5), Counts),
            ("+ side (counts), token 0.2, embedding 0.25, AdamW 0.1, temperature, learning rate 1e-3", With(p, side: true, tokenDropout: 0.2f, embeddingDropout: 0.25f, adamW: 0.1, temperature: true, learningRate: 1e-3), Counts),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 1, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 1, temperature: true), Counts),
            ("+ side (counts), token 0.1, embedding 0.25, AdamW 2, temperature", With(p, side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 2, temperature: true), Counts),
            ("recipe", Recipe(), RecipeNorm),
            ("recipe, seed 2", With(Recipe(), side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 1, temperature: true, seed: 2), RecipeNorm),
            ("recipe, seed 3", With(Recipe(), side: true, tokenDropout: 0.1f, embeddingDropout: 0.25f, adamW: 1, temperature: true, seed: 3), RecipeNorm),
            ("previous recipe, seed 2", With(p, seed: 2), L2),
            ("previous recipe, seed 3", With(p, seed: 3), L2),
            ("recipe + LM pretraining on the training sentences", RecipeWithTransfer(), RecipeNorm),
            ("recipe + LM pretraining on the training sentences + Austen", RecipeWithTransfer(), RecipeNorm),
            ("recipe + LM pretraining on the training sentences, seed 2", RecipeWithTransfer(seed: 2), RecipeNorm),
            ("recipe + LM pretraining on the training sentences + Austen, seed 2", RecipeWithTransfer(seed: 2), RecipeNorm),
            ("recipe + LM pretraining on the training sentences, seed 3", RecipeWithTransfer(seed: 3), RecipeNorm),
            ("recipe + LM pretraining on the training sentences + Austen, seed 3", RecipeWithTransfer(seed: 3), RecipeNorm),
            ("recipe + LM pretraining on the training sentences + Austen, AdamW 0.1", RecipeWithTransfer(adamW: 0.1), RecipeNorm),
        ];
        Console.WriteLine($"{"configuration",-80} accuracy  macro-F1  log-loss  ECE     train s");
        Console.WriteLine($"{"FeaturizeText + SdcaMaximumEntropy (baseline)",-80} {baseline.Accuracy,8:P1}  {baseline.MacroF1,8:F4}  {baseline.LogLoss,8:F4}  {baseline.Ece,6:F4}");
        foreach (var (name, options, norm) in tried)
        {
            if (filter is not null && !filter.Split('|').Any(f => name.Contains(f, StringComparison.Ordinal))) continue;
            var clock = Stopwatch.StartNew();
            ITransformer model = options.PretrainingEpochs > 0
                ? Fit(ml, options, train, name.Contains("Austen", StringComparison.Ordinal) ? austen : null, norm)
                : Pipeline(ml, options, norm).Fit(train);
            double seconds = clock.Elapsed.TotalSeconds;
            Scores s = Scores.Of(ml, model.Transform(test));
            Console.WriteLine($"{name,-80} {s.Accuracy,8:P1}  {s.MacroF1,8:F4}  {s.LogLoss,8:F4}  {s.Ece,6:F4}  {seconds,7:F1}");
        }
    }
}
