using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// An attention encoder-decoder (Bahdanau et al. 2015; Luong et al. 2015), the reference translator's model:
/// <code>
/// encoder: enc = BiRNN(Embedding_src(x))  [S, B, 2H];  final states of the top layer (fwd, bwd)
/// bridge:  h_0 = tanh(W_h [h_fwd; h_bwd] + b_h),  c_0 = W_c [c_fwd; c_bwd] + b_c       (LSTM)
/// step t:  x_t = [Embedding_tgt(y_{t-1}); ctx_{t-1}(; p)]       (input feeding, ctx_{-1} = 0; p: vector every step)
///          h_t (, c_t) = Cell(x_t, h_{t-1} (, c_{t-1}))         (LSTM gates i, f, g, o; GRU r, z, n)
///          e_tj = v . tanh(W_q h_t + W_k enc_j + b_k)  or  h_t . (W_k enc_j + b_k)  or  h_t . (enc_j^fwd + enc_j^bwd), padding masked
///          a_t = softmax_j(e_tj),  ctx_t = sum_j a_tj enc_j
///          o_t = tanh(W_o [h_t; ctx_t] + b_o),  logits_t = W_out dropout(o_t) + b_out
/// </code>
/// Dimension letters: B batch, S source steps, T target steps, E embedding, H hidden, A attention, V vocabulary.
/// Parameters: <c>src_emb.weight</c>, <c>encoder.*</c> (PyTorch LSTM/GRU names), <c>init_h.*</c>, <c>init_c.*</c>,
/// <c>tgt_emb.weight</c>, <c>decoder.weight_ih</c> [G*H, E(+2H)], <c>decoder.weight_hh</c>, <c>decoder.bias_ih</c>,
/// <c>decoder.bias_hh</c>, <c>att_k.*</c> [A, 2H], <c>att_q.weight</c> [A, H], <c>att_v.weight</c> [1, A] (none with the dot score),
/// <c>comb.*</c> [H, 3H], <c>out.*</c> [V, H]. Training runs through <c>TrainingLoop</c> as an
/// <see cref="Training.ITrainableNetwork{TBatch}"/>; decoding through <c>CreateDecoder</c>.
/// One instance is not thread-safe (it owns its workspaces).
/// </summary>
public sealed partial class EncoderDecoder
{
    private readonly Embedding? _sourceEmbedding;
    private readonly Embedding _targetEmbedding;
    private readonly Linear? _sourceProjection;
    private readonly RecurrentLayer _encoder;
    private readonly Linear _initHidden, _initCell, _combine, _output;
    private readonly Linear? _keys, _query, _score; // none for the dot score
    private readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh;
    private readonly Dropout _sourceDropout, _targetDropout, _outputDropout;
    private readonly int _hidden, _gates, _annotation, _attention, _decoderInput, _vocabulary, _embedding;
    private readonly int _conditionOffset; // where p starts in x_t when the vector enters every step; 0 otherwise
    private readonly bool _lstm;

    /// <summary>Builds the network and registers its parameters (all zero until <see cref="Initialize"/>).</summary>
    /// <param name="options">The shape; validated here.</param>
    public EncoderDecoder(EncoderDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _lstm = options.Cell == CellType.Lstm;
        _hidden = options.HiddenSize;
        _gates = (_lstm ? 4 : 3) * _hidden;
        _annotation = 2 * _hidden;
        _attention = options.AttentionWidth;
        _embedding = options.EmbeddingSize;
        _decoderInput = _embedding + (options.InputFeeding ? _annotation : 0);
        if (options.ConditionEveryStep)
        {
            _conditionOffset = _decoderInput;
            _decoderInput += _embedding;
        }
        _vocabulary = options.TargetVocabularySize;
        var p = Parameters = new ParameterSet();
        if (options.SourceVectorSize > 0) _sourceProjection = new Linear(p, options.SourceVectorSize, _embedding, prefix: "src_proj.");
        else _sourceEmbedding = new Embedding(p, options.SourceVocabularySize, _embedding, EncoderDecoderOptions.PaddingId, "src_emb.");
        _encoder = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = options.Cell,
            InputSize = _embedding,
            HiddenSize = _hidden,
            Layers = options.EncoderLayers,
            Bidirectional = true,
            Dropout = options.Dropout,
        }, p, "encoder.");
        _initHidden = new Linear(p, _annotation, _hidden, prefix: "init_h.");
        _initCell = new Linear(p, _annotation, _hidden, prefix: "init_c.");
        _targetEmbedding = new Embedding(p, _vocabulary, _embedding, EncoderDecoderOptions.PaddingId, "tgt_emb.");
        _weightIh = p.Add("decoder.weight_ih", _gates, _decoderInput);
        _weightHh = p.Add("decoder.weight_hh", _gates, _hidden);
        _biasIh = p.Add("decoder.bias_ih", _gates);
        _biasHh = p.Add("decoder.bias_hh", _gates);
        if (options.Attention != AttentionStyle.Dot)
        {
            // The general score reads only att_k; att_q and att_v stay registered for it as they always were.
            _keys = new Linear(p, _annotation, _attention, prefix: "att_k.");
            _query = new Linear(p, _hidden, _attention, bias: false, prefix: "att_q.");
            _score = new Linear(p, _attention, 1, bias: false, prefix: "att_v.");
        }
        _combine = new Linear(p, _hidden + _annotation, _hidden, prefix: "comb.");
        _output = new Linear(p, _hidden, _vocabulary, prefix: "out.");
        _sourceDropout = new Dropout(options.Dropout, 1);
        _targetDropout = new Dropout(options.Dropout, 2);
        _outputDropout = new Dropout(options.Dropout, 3);
    }

    /// <summary>The options the network was built with.</summary>
    public EncoderDecoderOptions Options { get; }

    /// <summary>Every trainable weight in one slab.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>V_tgt.</summary>
    public int TargetVocabularySize => _vocabulary;

    /// <summary>
    /// PyTorch's default initialisation, as the reference: embeddings N(0, 1) with a zero padding row, recurrent
    /// weights and biases U(-1/sqrt(H), 1/sqrt(H)), linear layers U(-1/sqrt(in), 1/sqrt(in)). Also seeds the
    /// dropout masks and the scheduled-sampling coins.
    /// </summary>
    /// <param name="seed">The seed: the same seed gives the same weights.</param>
    public void Initialize(int seed)
    {
        var random = new DeterministicRandom(seed);
        _sourceEmbedding?.Initialize(random);
        _sourceProjection?.Initialize(random);
        _encoder.InitializeWeights(random);
        _initHidden.Initialize(random);
        _initCell.Initialize(random);
        _targetEmbedding.Initialize(random);
        float bound = 1f / MathF.Sqrt(_hidden);
        foreach (var w in (Parameter[])[_weightIh, _weightHh, _biasIh, _biasHh])
            Initializers.Uniform(w, bound, random);
        _keys?.Initialize(random);
        _query?.Initialize(random);
        _score?.Initialize(random);
        _combine.Initialize(random);
        _output.Initialize(random);
        _encoder.ResetDropout(unchecked(seed * 31 + 1));
        _sourceDropout.Reset(unchecked(seed * 31 + 2));
        _targetDropout.Reset(unchecked(seed * 31 + 3));
        _outputDropout.Reset(unchecked(seed * 31 + 4));
        _sampling = new DeterministicRandom(unchecked(seed * 31 + 5));
    }

    /// <summary>A deep copy with the same weights and its own workspaces.</summary>
    public EncoderDecoder Clone()
    {
        var copy = new EncoderDecoder(Options);
        Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        return copy;
    }
}
