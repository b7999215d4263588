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
/// A trained <see cref="ConditionedTextGenerator"/>: writes the greedy text for each row's condition vector, and
/// generates (greedy or sampled) from any vector. Calls are serialized (one network, one lock).
/// </summary>
public sealed class ConditionedTextGeneratorTransformer : RecurrentTransformerBase, IRecurrentComponent<ConditionedTextGeneratorTransformer>
{
    internal const string LoaderSignature = "RecurrentCondGen";

    // Version 1: columns, tokenizer, max length, vector size, then a ModelFile with the network and the vocabulary.
    private static readonly ModelVersion s_version = new("CONDGENR", version: 1, oldestReadable: 1, LoaderSignature);

    private readonly EncoderDecoder _network;
    private readonly TextTokenizer _tokenizer;
    private readonly Lock _sync = new();

    internal ConditionedTextGeneratorTransformer(IHostEnvironment env, string conditionColumnName, string outputColumnName, TokenizerMode mode,
        int maxLength, int vectorSize, TokenVocabulary vocabulary, EncoderDecoder network)
        : base(env, s_version)
    {
        ConditionColumnName = conditionColumnName;
        OutputColumnName = outputColumnName;
        MaxLength = maxLength;
        VectorSize = vectorSize;
        Vocabulary = vocabulary;
        _network = network;
        _tokenizer = new TextTokenizer(mode);
    }

    /// <summary>The condition column read.</summary>
    public string ConditionColumnName { get; }

    /// <summary>The generated text column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The most tokens generated.</summary>
    public int MaxLength { get; }

    /// <summary>D: the size of one condition vector.</summary>
    public int VectorSize { get; }

    /// <summary>The output vocabulary.</summary>
    public TokenVocabulary Vocabulary { get; }

    /// <summary>The network's shape (sizes, cell, attention, whether the vector enters every step, ...).</summary>
    public EncoderDecoderOptions NetworkOptions => _network.Options;

    /// <summary>Generates text for a condition (one vector, or a grid of vectors of <see cref="VectorSize"/>).</summary>
    /// <param name="condition">The vector(s), finite.</param>
    /// <param name="sampling">Temperature, top-k, top-p and seed; null for greedy.</param>
    public string Generate(float[] condition, SamplingOptions? sampling = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        lock (_sync)
        {
            int[] ids = _network.Generate([condition], TranslationVocabulary.StartId, TranslationVocabulary.EndId, MaxLength, sampling)[0];
            return _tokenizer.Join(ids.Select(i => i == TranslationVocabulary.UnknownId ? "UNK" : Vocabulary[i]));
        }
    }

    static ModelVersion IRecurrentComponent<ConditionedTextGeneratorTransformer>.Version => s_version;

    static ConditionedTextGeneratorTransformer IRecurrentComponent<ConditionedTextGeneratorTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        BinaryReader reader = blob.Reader;
        string condition = reader.ReadString(), output = reader.ReadString();
        var mode = (TokenizerMode)reader.ReadInt32();
        int maxLength = reader.ReadInt32(), vectorSize = reader.ReadInt32();
        byte[] bytes = blob.ReadLengthPrefixedBytes(LoaderSignature, "network");
        ModelFile file;
        using (var stream = new MemoryStream(bytes, writable: false))
            file = ModelFile.Read(stream);
        if (!Enum.IsDefined(mode)) ThrowHelper.BadModel(LoaderSignature, $"the tokenizer mode was {(int)mode}; it must be one of {string.Join(", ", Enum.GetNames<TokenizerMode>())}");
        if (maxLength <= 0) ThrowHelper.BadModel(LoaderSignature, $"the maximum length was {maxLength}; it must be positive");
        EncoderDecoder network = EncoderDecoder.ReadFrom(file);
        if (vectorSize != network.Options.SourceVectorSize)
            ThrowHelper.BadModel(LoaderSignature, $"the condition vector size was {vectorSize}; the network reads vectors of {network.Options.SourceVectorSize}");
        var vocabulary = TranslationVocabularies.Load(file, "target", network.Options.TargetVocabularySize, LoaderSignature);
        return new ConditionedTextGeneratorTransformer(env, condition, output, mode, maxLength, vectorSize, vocabulary, network);
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(ConditionColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)_tokenizer.Mode);
        writer.Write(MaxLength);
        writer.Write(VectorSize);
        var file = new ModelFile();
        _network.WriteTo(file);
        file.AddVocabulary("target", Vocabulary.Tokens);
        ComponentBlob.WriteLengthPrefixed(writer, file.Write);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    private sealed class Binding : RowBinding
    {
        private readonly ConditionedTextGeneratorTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(ConditionedTextGeneratorTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, ConditionedTextGenerator.ComponentName, owner.ConditionColumnName, ColumnExpectation.FloatFrames(owner.VectorSize));
            InputColumnIndices = [_input.Index];
            OutputColumns = [new DataViewSchema.DetachedColumn(owner.OutputColumnName, TextDataViewType.Instance, Annotations.None)];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            var getVector = input.GetGetter<VBuffer<float>>(_input);
            VBuffer<float> v = default;
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> dst) =>
            {
                getVector(ref v);
                float[] dense = v.DenseValues().ToArray();
                dst = (dense.Length == 0 || dense.Length % _owner.VectorSize != 0 || dense.Any(x => !float.IsFinite(x)) ? "" : _owner.Generate(dense)).AsMemory();
            };
            return [getter];
        }
    }
}
