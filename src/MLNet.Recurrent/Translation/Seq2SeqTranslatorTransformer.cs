using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Translation.Internals;

namespace MLNet.Recurrent.Translation;

/// <summary>
/// A trained <see cref="Seq2SeqTranslator"/>: writes the translation of the source column as a text column
/// (greedy, beam search when trained with <c>BeamWidth</c> &gt; 1, or sampled when trained with <c>Sampling</c>), and
/// translates strings directly. An empty
/// source translates to the empty string. Calls are serialized (one network, one lock).
/// </summary>
public sealed partial class Seq2SeqTranslatorTransformer : RecurrentTransformerBase, IRecurrentComponent<Seq2SeqTranslatorTransformer>
{
    internal const string LoaderSignature = "RecurrentSeq2Seq";

    // Version 1: columns, tokenizer, limits, beam width, then a ModelFile with the network and both vocabularies.
    // Version 2: after the beam width, whether the output column samples and, if so, temperature, top-k, top-p, seed.
    private static readonly ModelVersion s_version = new("SEQ2SEQT", version: 2, oldestReadable: 1, LoaderSignature);

    private readonly EncoderDecoder _network;
    private readonly TextTokenizer _tokenizer;
    private readonly Lock _sync = new();

    internal Seq2SeqTranslatorTransformer(IHostEnvironment env, string sourceColumnName, string outputColumnName, TokenizerMode mode, bool lowercase,
        int maxSourceLength, int beamWidth, SamplingOptions? sampling, TokenVocabulary source, TokenVocabulary target, EncoderDecoder network)
        : base(env, s_version)
    {
        Sampling = sampling;
        SourceColumnName = sourceColumnName;
        OutputColumnName = outputColumnName;
        MaxSourceLength = maxSourceLength;
        BeamWidth = beamWidth;
        SourceVocabulary = source;
        TargetVocabulary = target;
        _network = network;
        _tokenizer = new TextTokenizer(mode, lowercase);
    }

    /// <summary>The source text column read.</summary>
    public string SourceColumnName { get; }

    /// <summary>The translation column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>Longer sources are cut to this many tokens.</summary>
    public int MaxSourceLength { get; }

    /// <summary>The output column's beam width (1: greedy).</summary>
    public int BeamWidth { get; }

    /// <summary>The output column's sampling (temperature, top-k, top-p, seed); null when it decodes greedily or by beam.</summary>
    public SamplingOptions? Sampling { get; }

    /// <summary>The network's shape (sizes, cell, attention, input feeding, ...).</summary>
    public EncoderDecoderOptions NetworkOptions => _network.Options;

    /// <summary>The source vocabulary (specials first).</summary>
    public TokenVocabulary SourceVocabulary { get; }

    /// <summary>The target vocabulary (specials first).</summary>
    public TokenVocabulary TargetVocabulary { get; }

    /// <summary>Translates one text as the output column does: greedy, beam search, or sampled (see <see cref="Sampling"/>).</summary>
    /// <param name="source">The text; empty (no tokens) gives the empty string.</param>
    public string Translate(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Sampling is { } sampling) return Translate(source, sampling);
        return BeamWidth > 1 ? TranslateNBest(source, BeamWidth).FirstOrDefault()?.Text ?? "" : Greedy(source, null);
    }

    /// <summary>Samples one translation: each token drawn with the options' temperature, top-k and top-p, seeded.</summary>
    /// <param name="source">The text; empty (no tokens) gives the empty string.</param>
    /// <param name="sampling">Temperature, top-k, top-p and seed: the same seed gives the same translation.</param>
    public string Translate(string source, SamplingOptions sampling)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sampling);
        sampling.Validate();
        int[] ids = Encode(source);
        if (ids.Length == 0) return "";
        lock (_sync)
            return Detokenize(_network.Sample([ids], TranslationVocabulary.StartId, TranslationVocabulary.EndId, sampling)[0]);
    }

    /// <summary>The <paramref name="width"/> best translations by beam search (score = log-probability / length), best first.</summary>
    /// <param name="source">The text; empty gives an empty list.</param>
    /// <param name="width">The beam width, at least 1.</param>
    public IReadOnlyList<TranslationCandidate> TranslateNBest(string source, int width)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0) ThrowHelper.OutOfRange(nameof(width), width, "it must be positive");
        int[] ids = Encode(source);
        if (ids.Length == 0) return [];
        lock (_sync)
            return [.. _network.Beam(ids, TranslationVocabulary.StartId, TranslationVocabulary.EndId, width)
                .Select(h => new TranslationCandidate(Detokenize(h.Tokens), h.LogProbability, h.Score))];
    }

    /// <summary>The greedy translation of <paramref name="source"/> with its attention matrix (and <c>ToHtml()</c> heat map).</summary>
    /// <param name="source">The text; it must hold at least one token.</param>
    public TranslationAttention Attention(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string[] tokens = SourceTokens(source);
        if (tokens.Length == 0) ThrowHelper.OutOfRange(nameof(source), source, "it must hold at least one token");
        var attention = new List<float[][]>();
        string text = Greedy(source, attention);
        string[] output = Split(text);
        var weights = attention[0];
        string[] rows = weights.Length > output.Length ? [.. output, TranslationVocabulary.End] : output;
        return new TranslationAttention(tokens, rows, weights);
    }

    private string[] Split(string text) => _tokenizer.Mode == TokenizerMode.Word
        ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        : [.. text.EnumerateRunes().Select(r => r.ToString())];

    private string[] SourceTokens(string source)
    {
        string[] tokens = _tokenizer.Tokenize(source);
        return tokens.Length > MaxSourceLength ? tokens[..MaxSourceLength] : tokens;
    }

    private int[] Encode(string source) => SourceVocabulary.Encode(SourceTokens(source));

    private string Greedy(string source, List<float[][]>? attention)
    {
        int[] ids = Encode(source);
        if (ids.Length == 0) return "";
        lock (_sync)
            return Detokenize(_network.Greedy([ids], TranslationVocabulary.StartId, TranslationVocabulary.EndId, attention)[0]);
    }

    private string Detokenize(IEnumerable<int> ids) =>
        _tokenizer.Join(ids.Select(i => i == TranslationVocabulary.UnknownId ? "UNK" : TargetVocabulary[i]));

    static ModelVersion IRecurrentComponent<Seq2SeqTranslatorTransformer>.Version => s_version;

    static Seq2SeqTranslatorTransformer IRecurrentComponent<Seq2SeqTranslatorTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        BinaryReader reader = blob.Reader;
        string source = reader.ReadString(), output = reader.ReadString();
        var mode = (TokenizerMode)reader.ReadInt32();
        bool lowercase = reader.ReadBoolean();
        int maxSource = reader.ReadInt32(), beam = reader.ReadInt32();
        SamplingOptions? sampling = null;
        if (blob.Version >= 2 && reader.ReadBoolean())
        {
            sampling = new SamplingOptions { Temperature = reader.ReadSingle(), TopK = reader.ReadInt32(), TopP = reader.ReadSingle(), Seed = reader.ReadInt32() };
            try { sampling.Validate(); }
            catch (ArgumentException e) { ThrowHelper.BadModel(LoaderSignature, $"its sampling options are invalid: {e.Message}"); }
        }
        byte[] bytes = blob.ReadLengthPrefixedBytes(LoaderSignature, "network");
        ModelFile file;
        using (var stream = new MemoryStream(bytes, writable: false))
            file = ModelFile.Read(stream);
        var network = EncoderDecoder.ReadFrom(file);
        if (!Enum.IsDefined(mode)) ThrowHelper.BadModel(LoaderSignature, $"the tokenizer mode was {(int)mode}; it must be one of {string.Join(", ", Enum.GetNames<TokenizerMode>())}");
        if (maxSource <= 0) ThrowHelper.BadModel(LoaderSignature, $"the maximum source length was {maxSource}; it must be positive");
        if (beam is <= 0 or > BeamSearchOptions.MaxBeamWidth) ThrowHelper.BadModel(LoaderSignature, $"the beam width was {beam}; it must be between 1 and {BeamSearchOptions.MaxBeamWidth}");
        var sourceVocabulary = TranslationVocabularies.Load(file, "source", network.Options.SourceVocabularySize, LoaderSignature);
        var targetVocabulary = TranslationVocabularies.Load(file, "target", network.Options.TargetVocabularySize, LoaderSignature);
        return new Seq2SeqTranslatorTransformer(env, source, output, mode, lowercase, maxSource, beam, sampling, sourceVocabulary, targetVocabulary, network);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(SourceColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)_tokenizer.Mode);
        writer.Write(_tokenizer.Lowercase);
        writer.Write(MaxSourceLength);
        writer.Write(BeamWidth);
        writer.Write(Sampling is not null);
        if (Sampling is { } sampling)
        {
            writer.Write(sampling.Temperature);
            writer.Write(sampling.TopK);
            writer.Write(sampling.TopP);
            writer.Write(sampling.Seed);
        }
        var file = new ModelFile();
        _network.WriteTo(file);
        file.AddVocabulary("source", SourceVocabulary.Tokens);
        file.AddVocabulary("target", TargetVocabulary.Tokens);
        ComponentBlob.WriteLengthPrefixed(writer, file.Write);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    private sealed class Binding : RowBinding
    {
        private readonly Seq2SeqTranslatorTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(Seq2SeqTranslatorTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, Seq2SeqTranslator.ComponentName, owner.SourceColumnName, ColumnExpectation.ScalarText());
            InputColumnIndices = [_input.Index];
            OutputColumns = [new DataViewSchema.DetachedColumn(owner.OutputColumnName, TextDataViewType.Instance, Annotations.None)];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            var getSource = input.GetGetter<ReadOnlyMemory<char>>(_input);
            ReadOnlyMemory<char> source = default;
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> dst) =>
            {
                getSource(ref source);
                SequenceInput.CheckSteps(_input.Name, input.Position, source.Length, "characters");
                dst = _owner.Translate(source.ToString()).AsMemory();
            };
            return [getter];
        }
    }
}
