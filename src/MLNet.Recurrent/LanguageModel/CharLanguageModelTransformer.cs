using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Interpretability;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.LanguageModel;

/// <summary>
/// A character language model trained by <see cref="CharLanguageModelTrainer"/>. As a transformer it adds, for each
/// row's text, <c>LogLikelihood</c> (the natural-log probability of the text, each character predicted from the ones
/// before it, the first from the separator) and <c>BitsPerChar</c>; an empty text scores 0 and 0. Beside that it
/// generates text: sampling with temperature, top-k, top-p and a seed, greedy (temperature 0), beam search and
/// diverse beam search, streaming, stop sequences; and it exposes its cells (<see cref="Trace"/>,
/// <see cref="FindCells"/>, <see cref="ExportCellsHtml"/>). One instance serves any number of cursors and threads.
/// </summary>
public sealed partial class CharLanguageModelTransformer : RecurrentTransformerBase, IRecurrentComponent<CharLanguageModelTransformer>
{
    internal const string LoaderSignature = "RecurrentCharLM";

    /// <summary>The log-likelihood column (Single, nats).</summary>
    public const string LogLikelihoodColumnName = "LogLikelihood";

    /// <summary>The bits-per-character column (Single).</summary>
    public const string BitsPerCharColumnName = "BitsPerChar";

    // Version 1: text column, then the engine's model file (CharLanguageModel.Write), length-prefixed.
    private static readonly ModelVersion s_version = new("RNNCHRLM", version: 1, oldestReadable: 1, LoaderSignature);

    private readonly CharLanguageModel _model;

    internal CharLanguageModelTransformer(IHostEnvironment env, string textColumnName, CharLanguageModel model, TrainingResult? training)
        : base(env, s_version)
    {
        TextColumnName = textColumnName;
        _model = model;
        Training = training;
    }

    /// <summary>The column read: a single String per row.</summary>
    public string TextColumnName { get; }

    /// <summary>The engine's model (vocabulary, network, separator), for everything the methods here do not cover.</summary>
    public CharLanguageModel LanguageModel => _model;

    /// <summary>How training went (updates, best validation bits per character, every evaluation); null for a loaded model.</summary>
    public TrainingResult? Training { get; }

    /// <summary>The number of characters the model knows, the unknown symbol included.</summary>
    public int VocabularySize => _model.Vocabulary.Count;

    internal static IEnumerable<SchemaShape.Column> OutputShapes() =>
    [
        SchemaShapes.Scalar(LogLikelihoodColumnName, NumberDataViewType.Single),
        SchemaShapes.Scalar(BitsPerCharColumnName, NumberDataViewType.Single),
    ];

    /// <summary>Continues <paramref name="prompt"/> by sampling (greedily with temperature 0); the same seed gives the same text.</summary>
    /// <param name="prompt">The text to continue; may be empty.</param>
    /// <param name="options">Length, temperature, top-k, top-p, seed, stop sequences.</param>
    /// <returns>The generated text, without the prompt.</returns>
    public string Generate(string prompt, GenerationOptions? options = null) => _model.Generate(prompt, options);

    /// <summary>Continues <paramref name="prompt"/> one character at a time, yielding each as it is drawn.</summary>
    /// <param name="prompt">The text to continue; may be empty.</param>
    /// <param name="options">Length, temperature, top-k, top-p, seed, stop sequences.</param>
    public IEnumerable<string> GenerateStream(string prompt, GenerationOptions? options = null) => _model.GenerateStream(prompt, options);

    /// <summary>The most likely continuations of <paramref name="prompt"/> with their log-probabilities; with <paramref name="groups"/> &gt; 1, diverse beam search.</summary>
    /// <param name="prompt">The text to continue; may be empty.</param>
    /// <param name="beamWidth">Hypotheses kept at each step (across groups).</param>
    /// <param name="maxLength">Characters generated.</param>
    /// <param name="lengthPenalty">Ranks by logP / length^alpha (1: mean per character; 0: raw log-probability).</param>
    /// <param name="groups">Diverse beam search groups; 1 for plain beam search.</param>
    /// <param name="diversityPenalty">How strongly a group avoids characters earlier groups chose at the same step.</param>
    /// <param name="stopSequences">A candidate ends right after generating any of these.</param>
    public IReadOnlyList<TextHypothesis> BeamSearch(string prompt, int beamWidth = 5, int maxLength = 60, float lengthPenalty = 1f,
        int groups = 1, float diversityPenalty = 0f, IReadOnlyList<string>? stopSequences = null) =>
        _model.BeamSearch(prompt, beamWidth, maxLength, lengthPenalty, groups, diversityPenalty, stopSequences);

    /// <summary>The natural-log likelihood of <paramref name="text"/> and its bits per character (what the output columns hold).</summary>
    /// <param name="text">The text to score.</param>
    public (double LogLikelihood, double BitsPerChar) Score(string text) => _model.Score(text);

    /// <summary>Every layer's hidden (and LSTM cell) state after each character of <paramref name="text"/>.</summary>
    /// <param name="text">The text to read; at least one character.</param>
    public ActivationTrace Trace(string text) => _model.Trace(text);

    /// <summary>Ranks every unit by its correlation with each detector over <paramref name="text"/>.</summary>
    /// <param name="text">The text to read.</param>
    /// <param name="top">Units kept per detector.</param>
    /// <param name="detectors">The features; null for all built-in detectors.</param>
    public IReadOnlyDictionary<string, IReadOnlyList<CellMatch>> FindCells(string text, int top = 10, IEnumerable<CellDetector>? detectors = null) =>
        _model.FindCells(text, top, detectors);

    /// <summary>An HTML page colouring each character of <paramref name="text"/> by the best units' activations (blue negative, red positive).</summary>
    /// <param name="text">The passage to draw.</param>
    /// <param name="detectors">The features; null for "inside quotes" and "line position".</param>
    /// <param name="cellsPerDetector">Units drawn per detector.</param>
    /// <param name="title">The page title; null for a description of the model.</param>
    public string ExportCellsHtml(string text, IEnumerable<CellDetector>? detectors = null, int cellsPerDetector = 2, string? title = null) =>
        _model.ExportCellsHtml(text, detectors, cellsPerDetector, title);

    static ModelVersion IRecurrentComponent<CharLanguageModelTransformer>.Version => s_version;

    static CharLanguageModelTransformer IRecurrentComponent<CharLanguageModelTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        BinaryReader reader = blob.Reader;
        string column = reader.ReadString();
        byte[] bytes = blob.ReadLengthPrefixedBytes(LoaderSignature, "model");
        using var stream = new MemoryStream(bytes, writable: false);
        return new CharLanguageModelTransformer(env, column, CharLanguageModel.Read(stream), training: null);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        ComponentBlob.WriteLengthPrefixed(writer, _model.Write);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);
}
