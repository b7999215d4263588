using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceClassification;

/// <summary>
/// Classifies short texts with the recipe that won on short sentences (README, "Sequence classification"), from one
/// text column and a label: at <c>Fit</c> it builds and fits the pipeline that recipe is written as, of ML.NET's
/// public estimators and <see cref="LstmSequenceClassifier"/>:
/// <c>FeaturizeText</c> (n-gram counts, the side input) -> <c>NormalizeText</c> (no punctuation) ->
/// <c>TokenizeIntoWords</c> -> <c>MapValueToKey</c> (words) -> <c>MapValueToKey</c> (a text label, in place) ->
/// <see cref="LstmSequenceClassifier"/> with <see cref="LstmSequenceClassifier.Options.ForShortText"/> ->
/// <c>DropColumns</c> (the intermediate columns). The result is a plain <see cref="TransformerChain{T}"/>: its output
/// is the input (a text label now a key) plus <c>Score</c> and <c>PredictedLabel</c> (and <c>Probability</c> for a
/// Boolean label); it saves and loads with <c>mlContext.Model.Save/Load</c> and serves <c>PredictionEngine</c>s.
/// Create it with <c>mlContext.Transforms.Recurrent.LstmTextClassifier(...)</c>.
/// </summary>
/// <remarks>
/// The intermediate columns are named after the text column (<c>Text.NGrams</c>, <c>Text.Words</c>,
/// <c>Text.Tokens</c> for a column "Text"); an input that already has one of them is refused. The estimators are
/// created with this one, in the order a hand-written recipe pipeline creates them, so a pipeline built either way from
/// the same <c>MLContext</c> seed trains the same model.
/// </remarks>
public sealed partial class LstmTextClassifier : IEstimator<TransformerChain<ITransformer>>
{
    internal const string ComponentName = "LstmTextClassifier";

    private readonly string _labelColumnName;
    private readonly string _textColumnName;
    private readonly string[] _intermediateColumns;
    private readonly IEstimator<ITransformer> _ngrams, _normalize, _tokenize, _tokenKeys, _labelKeys, _classifier, _drop;

    internal LstmTextClassifier(TransformsCatalog transforms, Options options)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.LabelColumnName)) ThrowHelper.OutOfRange(nameof(Options.LabelColumnName), options.LabelColumnName, "it must name a column");
        if (string.IsNullOrWhiteSpace(options.TextColumnName)) ThrowHelper.OutOfRange(nameof(Options.TextColumnName), options.TextColumnName, "it must name a column");
        if (options.LabelColumnName == options.TextColumnName)
            ThrowHelper.OutOfRange(nameof(Options.LabelColumnName), options.LabelColumnName, $"it must differ from 'TextColumnName' (the label cannot be the text it classifies)");
        if (options.NGrams is null) ThrowHelper.OutOfRange(nameof(Options.NGrams), null, "it must be FeaturizeText's options (the default has Norm = None)");
        _labelColumnName = options.LabelColumnName;
        _textColumnName = options.TextColumnName;
        string ngrams = $"{_textColumnName}.NGrams", words = $"{_textColumnName}.Words", tokens = $"{_textColumnName}.Tokens";
        _intermediateColumns = [ngrams, words, tokens];
        LstmSequenceClassifier.Options classifier = ClassifierOptions(options.Classifier, _labelColumnName, tokens, ngrams);

        // Created here, in the hand-written recipe's order: each registers with the MLContext, and the classifier draws
        // its seed (when none is set) from what it registered with, so both ways give the same model.
        _ngrams = transforms.Text.FeaturizeText(ngrams, options.NGrams, _textColumnName);
        _normalize = transforms.Text.NormalizeText(words, _textColumnName, keepPunctuations: false);
        _tokenize = transforms.Text.TokenizeIntoWords(tokens, words);
        _tokenKeys = transforms.Conversion.MapValueToKey(tokens);
        _labelKeys = transforms.Conversion.MapValueToKey(_labelColumnName); // used only for a text label
        _classifier = new LstmSequenceClassifier(Environments.Of(transforms), classifier);
        _drop = transforms.DropColumns(ngrams, words, tokens);
    }

    /// <summary>
    /// A copy of <paramref name="given"/> reading the columns this estimator builds; a column name set to anything but
    /// what <see cref="LstmSequenceClassifier.Options.ForShortText"/> gives (or the column used here) is an error.
    /// </summary>
    private static LstmSequenceClassifier.Options ClassifierOptions(LstmSequenceClassifier.Options given, string label, string tokens, string ngrams)
    {
        if (given is null) ThrowHelper.OutOfRange(nameof(Options.Classifier), null, "it must be the classifier's options (the default is LstmSequenceClassifier.Options.ForShortText())");
        RequireOwnColumn($"{nameof(Options.Classifier)}.{nameof(LstmSequenceClassifier.Options.LabelColumnName)}", given.LabelColumnName,
            LstmSequenceClassifier.Defaults.LabelColumnName, label, $"the label column, set by '{nameof(Options.LabelColumnName)}'");
        RequireOwnColumn($"{nameof(Options.Classifier)}.{nameof(LstmSequenceClassifier.Options.FeatureColumnName)}", given.FeatureColumnName,
            LstmSequenceClassifier.Defaults.ShortTextFeatureColumnName, tokens, "the words as keys, a column it builds");
        RequireOwnColumn($"{nameof(Options.Classifier)}.{nameof(LstmSequenceClassifier.Options.SideColumnName)}", given.SideColumnName,
            LstmSequenceClassifier.Defaults.ShortTextSideColumnName, ngrams, "the n-gram counts, a column it builds");
        if (given.PretrainingData is not null)
            ThrowHelper.OutOfRange($"{nameof(Options.Classifier)}.{nameof(LstmSequenceClassifier.Options.PretrainingData)}", "a view",
                $"{ComponentName} cannot take unlabelled text as keys of a vocabulary it builds at Fit; pretrain on the training rows alone " +
                "(PretrainingEpochs without PretrainingData), or build the pipeline by hand (README, \"Sequence classification\")");
        var options = (LstmSequenceClassifier.Options)given.Clone();
        options.LabelColumnName = label;
        options.FeatureColumnName = tokens;
        options.SideColumnName = ngrams;
        return options;
    }

    private static void RequireOwnColumn(string option, string? value, string recipeValue, string used, string what)
    {
        if (value != recipeValue && value != used)
            ThrowHelper.OutOfRange(option, value,
                $"{ComponentName} gives the classifier {what} ('{used}'): leave it as LstmSequenceClassifier.Options.ForShortText() sets it ('{recipeValue}')");
    }

    /// <summary>The input schema without the intermediate columns, plus <c>Score</c> and <c>PredictedLabel</c> (and <c>Probability</c> for a Boolean label).</summary>
    /// <param name="inputSchema">The input: the text column (a String) and the label (a String, a key or a Boolean).</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputColumns.Require(inputSchema, ComponentName, _textColumnName, ColumnExpectation.ScalarText());
        SchemaShape.Column label = InputColumns.Require(inputSchema, ComponentName, _labelColumnName, ColumnExpectation.TextOrClassLabel());
        foreach (string column in _intermediateColumns)
            if (inputSchema.TryFindColumn(column, out _)) ThrowIntermediateTaken(column);
        return Chain(mapLabel: label.ItemType is TextDataViewType).GetOutputSchema(inputSchema);
    }

    /// <summary>Fits the recipe's pipeline on <paramref name="input"/> and returns it fitted, as one chain of its transformers.</summary>
    /// <param name="input">The training rows: the text column (a String) and the label (a String, a key or a Boolean).</param>
    public TransformerChain<ITransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        InputColumns.Require(input.Schema, ComponentName, _textColumnName, ColumnExpectation.ScalarText());
        DataViewSchema.Column label = InputColumns.Require(input.Schema, ComponentName, _labelColumnName, ColumnExpectation.TextOrClassLabel());
        foreach (string column in _intermediateColumns)
            if (input.Schema.GetColumnOrNull(column) is not null) ThrowIntermediateTaken(column);
        return Chain(mapLabel: label.Type is TextDataViewType).Fit(input);
    }

    private void ThrowIntermediateTaken(string column) =>
        ThrowHelper.ColumnTaken(ComponentName, column,
            $"builds its intermediate columns {string.Join(", ", _intermediateColumns.Select(c => $"'{c}'"))} from '{_textColumnName}'");

    /// <summary>The recipe's pipeline; a text label is mapped to keys, a key or Boolean label read as it is.</summary>
    private EstimatorChain<ITransformer> Chain(bool mapLabel)
    {
        EstimatorChain<ITransformer> chain = new EstimatorChain<ITransformer>().Append(_ngrams).Append(_normalize).Append(_tokenize).Append(_tokenKeys);
        if (mapLabel) chain = chain.Append(_labelKeys);
        return chain.Append(_classifier).Append(_drop);
    }
}
