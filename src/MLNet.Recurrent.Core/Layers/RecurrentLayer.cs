using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// A stack of recurrent layers (RNN, LSTM or GRU), optionally bidirectional, over time-major batches of
/// variable-length sequences; numerically the same as PyTorch's <c>nn.RNN</c> / <c>nn.LSTM</c> / <c>nn.GRU</c> on a
/// packed sequence, with the same parameter names, shapes and gate order.
/// </summary>
/// <remarks>
/// <para>Parameters, in PyTorch's order, for every layer k and direction (suffix <c>_reverse</c> for the reverse one):
/// <c>weight_ih_l{k}</c> <c>[G*H, D_in]</c>, <c>weight_hh_l{k}</c> <c>[G*H, H]</c>, <c>bias_ih_l{k}</c> <c>[G*H]</c>,
/// <c>bias_hh_l{k}</c> <c>[G*H]</c>, where D_in is D for layer 0 and <c>dirs*H</c> above. Rows of the G*H dimension
/// are gate blocks of H in PyTorch's order: LSTM <b>i, f, g, o</b>; GRU <b>r, z, n</b> with
/// <c>n = tanh(W_in x + b_in + r * (W_hn h + b_hn))</c>. Then, when configured: <c>weight_vh_l0[_reverse]</c>
/// <c>[G*H, C]</c> (conditioning), <c>h0</c> and <c>c0</c> <c>[L*dirs, H]</c> (learned initial state).</para>
/// <para>Performance: the input projection of all steps is one GEMM (<c>[T*B, D_in] x W_ih^T</c>, biases folded in);
/// only <c>h_{t-1} W_hh^T</c> runs per step, over the sequences still running (the batch is sorted by length
/// internally so they are a prefix of the rows). Backward forms <c>dW_ih</c>, <c>dW_hh</c> and <c>dX</c> with one GEMM
/// each over all steps. Workspaces are reused: steady-state Forward and Backward allocate nothing.</para>
/// </remarks>
public sealed partial class RecurrentLayer
{
    private readonly RecurrentLayerOptions _options;
    private readonly Direction[] _directions;
    private readonly Dropout[] _dropouts;
    private readonly List<Parameter> _weights = [];
    private readonly Parameter? _h0, _c0;
    private readonly int _hidden, _gates, _layers, _dirs;

    /// <summary>Builds the layer and registers its parameters (zero-filled) in <paramref name="parameters"/>.</summary>
    /// <param name="options">The shape of the layer; validated here.</param>
    /// <param name="parameters">Where the weights live; names are <paramref name="prefix"/> + the PyTorch name.</param>
    /// <param name="prefix">Prefix of every parameter name, e.g. <c>"rnn."</c>.</param>
    public RecurrentLayer(RecurrentLayerOptions options, ParameterSet parameters, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        options.Validate();
        _options = options;
        _hidden = options.HiddenSize;
        _gates = options.GateCount * _hidden;
        _layers = options.Layers;
        _dirs = options.Directions;
        _directions = new Direction[_layers * _dirs];
        for (int k = 0; k < _layers; k++)
        {
            int inputSize = k == 0 ? options.InputSize : _dirs * _hidden;
            for (int d = 0; d < _dirs; d++)
            {
                string suffix = $"_l{k}{(d == 1 ? "_reverse" : "")}";
                var dir = new Direction(k * _dirs + d, d == 1, inputSize,
                    Register(parameters, $"{prefix}weight_ih{suffix}", _gates, inputSize),
                    Register(parameters, $"{prefix}weight_hh{suffix}", _gates, _hidden),
                    Register(parameters, $"{prefix}bias_ih{suffix}", _gates),
                    Register(parameters, $"{prefix}bias_hh{suffix}", _gates));
                _directions[k * _dirs + d] = dir;
            }
        }
        if (options.ConditioningSize > 0)
        {
            for (int d = 0; d < _dirs; d++)
                _directions[d].ConditioningWeight = Register(parameters, $"{prefix}weight_vh_l0{(d == 1 ? "_reverse" : "")}", _gates, options.ConditioningSize);
        }
        if (options.LearnedInitialState)
        {
            _h0 = parameters.Add($"{prefix}h0", _layers * _dirs, _hidden);
            if (options.Cell == CellType.Lstm) _c0 = parameters.Add($"{prefix}c0", _layers * _dirs, _hidden);
        }
        _dropouts = new Dropout[Math.Max(0, _layers - 1)];
        for (int k = 0; k < _dropouts.Length; k++) _dropouts[k] = new Dropout(options.Dropout, DropoutSeed(options.DropoutSeed, k));
        _dropped = new Tensor[_dropouts.Length];
        for (int k = 0; k < _dropped.Length; k++) _dropped[k] = new Tensor(0);
        _outputs = new Tensor[_layers];
        _outputGrads = new Tensor[_layers];
        for (int k = 0; k < _layers; k++)
        {
            _outputs[k] = new Tensor(0);
            _outputGrads[k] = new Tensor(0);
        }
    }

    /// <summary>The options the layer was built with.</summary>
    public RecurrentLayerOptions Options => _options;

    /// <summary>Features per step of the output: <c>dirs * H</c>.</summary>
    public int OutputSize => _dirs * _hidden;

    /// <summary>Final states per sequence: <c>L * dirs</c>.</summary>
    public int StateCount => _layers * _dirs;

    /// <summary>
    /// PyTorch's default initialization: every weight and bias (including <c>weight_vh</c>) uniform in
    /// <c>[-1/sqrt(H), 1/sqrt(H)]</c>, drawn in registration order; learned initial states are set to zero.
    /// </summary>
    /// <param name="random">The generator; a seeded one gives the same weights every time.</param>
    public void InitializeWeights(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float bound = 1f / MathF.Sqrt(_hidden);
        foreach (var p in _weights)
        {
            Span<float> w = p.Value;
            for (int i = 0; i < w.Length; i++) w[i] = (2f * random.NextSingle() - 1f) * bound;
        }
        _h0?.Value.Clear();
        _c0?.Value.Clear();
    }

    /// <summary>Restarts the dropout masks as if the layer had been built with <paramref name="seed"/> as <c>DropoutSeed</c>.</summary>
    /// <param name="seed">The seed.</param>
    public void ResetDropout(int seed)
    {
        for (int k = 0; k < _dropouts.Length; k++) _dropouts[k].Reset(DropoutSeed(seed, k));
    }

    /// <summary>The dropout layers between stacked layers (L - 1 of them), for checkpoints of their mask generators.</summary>
    internal ReadOnlySpan<Dropout> DropoutLayers => _dropouts;

    private static int DropoutSeed(int seed, int layer) => unchecked(seed * 1000003 + layer);

    private Parameter Register(ParameterSet parameters, string name, params int[] shape)
    {
        var p = parameters.Add(name, shape);
        _weights.Add(p);
        return p;
    }
}
