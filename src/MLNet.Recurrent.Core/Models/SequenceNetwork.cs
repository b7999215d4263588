using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;
using MLNet.Recurrent.Core.Reservoir;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Embedding (or frames) -> stacked recurrent layers -> optional pooling -> linear -> softmax (or, per step, a
/// linear-chain CRF: <c>crf.start_transitions</c>, <c>crf.end_transitions</c>, <c>crf.transitions</c>). The one network
/// behind the language model, the sequence labeler and the sequence classifier. Parameter names follow PyTorch:
/// <c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, ..., <c>output.weight</c>, <c>output.bias</c>.
/// One instance is not thread-safe (it owns its workspaces); <see cref="Clone"/> gives an independent copy.
/// </summary>
public sealed partial class SequenceNetwork : ITrainableNetwork<SequenceBatch>, IDisposable
{
    private readonly Embedding? _embedding;
    private readonly RecurrentLayer _rnn;
    private readonly SequencePooling? _pooling;
    private readonly Dropout _outputDropout;
    private readonly Linear _output;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly LinearChainCrf? _crf;
    private readonly SparseLinear? _side;
    private readonly Dropout _embeddingDropout;
    private DeterministicRandom _tokenDropRandom = new(0);
    private int[] _droppedTokens = [];                // [T * B] the ids the embedding read under token dropout
    private bool _tokensDropped;

    // Workspaces, reused across calls so a steady-state step allocates nothing.
    private readonly Tensor _embedded = new(0);       // [T, B, E]
    private readonly Tensor _rnnOutput = new(0);      // [T, B, dirs * H]
    private readonly Tensor _pooled = new(0);         // [B, dirs * H]
    private readonly Tensor _headInput = new(0);      // [N, dirs * H] after dropout
    private readonly Tensor _logits = new(0);         // [N, K]
    private readonly Tensor _finalHidden = new(0);    // [L * dirs, B, H]
    private readonly Tensor _finalCell = new(0);      // [L * dirs, B, H]
    private readonly Tensor _dLogits = new(0);
    private readonly Tensor _dHeadInput = new(0);
    private readonly Tensor _dPooled = new(0);
    private readonly Tensor _dRnnOutput = new(0);
    private readonly Tensor _dEmbedded = new(0);
    private SequenceBatch? _lastBatch;

    /// <summary>Builds the network and registers its parameters (all zero until <see cref="Initialize"/>).</summary>
    public SequenceNetwork(SequenceNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Parameters = new ParameterSet();
        if (options.TokenInput) _embedding = new Embedding(Parameters, options.InputVocabularySize, options.EmbeddingSize, prefix: "embedding.");
        BuildCharacterLayers();
        _rnn = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = options.Cell,
            InputSize = options.RecurrentInputSize,
            HiddenSize = options.HiddenSize,
            Layers = options.Layers,
            Bidirectional = options.Bidirectional,
            Dropout = options.Dropout,
            LearnedInitialState = options.LearnedInitialState,
            Initialization = options.Initialization,
            EchoStateSpectralRadius = options.EchoStateSpectralRadius,
        }, Parameters, "rnn.");
        if (!options.PerStepOutput) _pooling = new SequencePooling(options.Pooling, options.Bidirectional);
        _outputDropout = new Dropout(options.Dropout, seed: 0);
        _embeddingDropout = new Dropout(options.EmbeddingDropout, seed: 0);
        _output = new Linear(Parameters, RecurrentOutputSize, options.OutputSize, prefix: "output.");
        if (options.HasSideInput) _side = new SparseLinear(Parameters, options.SideInputSize, options.OutputSize, prefix: "side.");
        _loss = new SoftmaxCrossEntropy(options.ClassWeights, ignoreIndex: SequenceBatch.IgnoreTarget);
        if (options.OutputLayer == SequenceOutputLayer.Crf) _crf = new LinearChainCrf(Parameters, options.OutputSize, CrfReduction.StepMean, prefix: "crf.");
    }

    /// <summary>The options the network was built with.</summary>
    public SequenceNetworkOptions Options { get; }

    /// <summary>Every trainable weight, PyTorch-named, in one slab.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>dirs * H: the width of the recurrent output.</summary>
    public int RecurrentOutputSize => Options.HiddenSize * (Options.Bidirectional ? 2 : 1);

    /// <summary>The CRF output layer, or null for a softmax output.</summary>
    public LinearChainCrf? Crf => _crf;

    /// <summary>The recurrent stack, for inspection (interpretable cells) and streaming steps.</summary>
    public RecurrentLayer Recurrent => _rnn;

    /// <summary>
    /// Seeds every weight and the dropout masks: normal embeddings, Glorot-uniform input weights and orthogonal
    /// (or, with <see cref="RecurrentInitialization.EchoState"/>, echo-state scaled) recurrent weights per gate block, PyTorch-default biases, LSTM forget-gate bias 1 (optional), and the
    /// output layer's PyTorch default, and the CRF's transitions from U(-0.1, 0.1). The side input's weights start at
    /// zero, so training starts from the recurrent model alone and the side model grows from nothing, as a linear
    /// model trained from zero does.
    /// </summary>
    public void Initialize(int seed, bool forgetGateBiasOne = true)
    {
        var random = new DeterministicRandom(seed);
        _embedding?.Initialize(random);
        _rnn.InitializeWeights(random); // biases and learned initial states: PyTorch's defaults
        int h = Options.HiddenSize;
        foreach (var p in Parameters.Parameters)
        {
            if (p.Name.StartsWith("rnn.weight_ih_", StringComparison.Ordinal) || p.Name.StartsWith("rnn.weight_vh_", StringComparison.Ordinal))
                Initializers.GlorotUniform(p, random, blockRows: h);
            else if (p.Name.StartsWith("rnn.weight_hh_", StringComparison.Ordinal) && Options.Initialization == RecurrentInitialization.EchoState)
                EchoStateInitializer.Initialize(p, random, Options.EchoStateSpectralRadius, blockRows: h);
            else if (p.Name.StartsWith("rnn.weight_hh_", StringComparison.Ordinal))
                Initializers.Orthogonal(p, random, blockRows: h);
        }
        if (forgetGateBiasOne && Options.Cell == CellType.Lstm) Initializers.LstmForgetGateBias(Parameters, "rnn.");
        _output.Initialize(random);
        _crf?.Initialize(random);
        InitializeCharacterLayers(random);
        _side?.Weight.Value.Clear();
        ResetDropout(seed);
    }

    private void ResetDropout(int seed)
    {
        _rnn.ResetDropout(unchecked(seed * 31 + 1));
        _outputDropout.Reset(unchecked(seed * 31 + 2));
        _tokenDropRandom = new DeterministicRandom(unchecked(seed * 31 + 3));
        _embeddingDropout.Reset(unchecked(seed * 31 + 4));
    }

    /// <summary>
    /// Seeds every weight exactly as PyTorch's modules initialise themselves (for parity runs against a PyTorch
    /// reference): embeddings N(0, 1), every recurrent weight and bias U(-1/sqrt(H), 1/sqrt(H)), the output layer
    /// U(-1/sqrt(In), 1/sqrt(In)), the CRF's transitions U(-0.1, 0.1); dropout masks as <see cref="Initialize"/>.
    /// </summary>
    public void InitializeLikePyTorch(int seed)
    {
        var random = new DeterministicRandom(seed);
        _embedding?.Initialize(random);
        _rnn.InitializeWeights(random);
        _output.Initialize(random);
        _crf?.Initialize(random);
        InitializeCharacterLayers(random);
        ResetDropout(seed);
    }

    /// <summary>A deep copy with the same weights and its own workspaces (for another thread).</summary>
    public SequenceNetwork Clone()
    {
        var copy = new SequenceNetwork(Options);
        Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        return copy;
    }

    /// <summary>Returns the workspaces to the pool.</summary>
    public void Dispose()
    {
        foreach (var t in (Tensor[])[_embedded, _rnnOutput, _pooled, _headInput, _logits, _finalHidden, _finalCell,
                     _dLogits, _dHeadInput, _dPooled, _dRnnOutput, _dEmbedded, _marginals])
            t.Dispose();
        _loss.Dispose();
        DisposeCharacterWorkspaces();
    }
}
