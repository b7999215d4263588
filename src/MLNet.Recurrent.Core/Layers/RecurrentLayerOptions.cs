using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>The shape of a <see cref="RecurrentLayer"/>: cell, sizes, stacking, direction and extras.</summary>
public sealed class RecurrentLayerOptions
{
    /// <summary>The recurrent cell.</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>D: input features per step; must be positive.</summary>
    public int InputSize { get; init; }

    /// <summary>H: hidden size of one direction of one layer; must be positive.</summary>
    public int HiddenSize { get; init; }

    /// <summary>L: the number of stacked layers; layer k &gt; 0 reads layer k - 1's output. Default 1.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Whether every layer also runs backwards in time; outputs are then <c>[forward | reverse]</c>.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>
    /// Probability of zeroing an element of a layer's output before the next layer reads it (inverted dropout,
    /// training only, never after the last layer), as PyTorch's <c>dropout</c> argument; in [0, 1).
    /// </summary>
    public float Dropout { get; init; }

    /// <summary>Seed of the dropout masks; a seed gives the same masks on every machine and thread count.</summary>
    public int DropoutSeed { get; init; }

    /// <summary>
    /// Whether the initial states are trained parameters <c>h0</c> (and <c>c0</c> for LSTM) of shape
    /// <c>[L * dirs, H]</c>, broadcast over the batch, used whenever no initial state is passed to Forward.
    /// </summary>
    public bool LearnedInitialState { get; init; }

    /// <summary>
    /// C: size of a per-sequence conditioning vector v (captioning: the image vector); 0 for none. When positive,
    /// each direction of layer 0 gets a weight <c>weight_vh_l0[_reverse]</c> of shape <c>[G * H, C]</c> and
    /// <c>W_vh v</c> is added to every step's input pre-activation: <c>h = tanh(W_ih x + W_hh h + W_vh v + b)</c>.
    /// </summary>
    public int ConditioningSize { get; init; }

    /// <summary>How <c>weight_hh_l{k}</c> starts when a network built on this layer is initialized.</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The spectral radius of each gate block of <c>weight_hh_l{k}</c> under <see cref="RecurrentInitialization.EchoState"/>; finite, positive.</summary>
    public double EchoStateSpectralRadius { get; init; } = 1.1;

    /// <summary>The number of directions: 2 when <see cref="Bidirectional"/>, otherwise 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>G: gates per cell: 1 for RNN, 4 for LSTM, 3 for GRU.</summary>
    public int GateCount => GateCountOf(Cell);

    /// <summary>G for <paramref name="cell"/>: 1 for RNN, 4 for LSTM, 3 for GRU.</summary>
    internal static int GateCountOf(CellType cell) => cell switch
    {
        CellType.Lstm => 4,
        CellType.Gru => 3,
        _ => 1,
    };

    /// <summary>Throws if an option is out of range, naming it and its value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell)) ThrowHelper.OutOfRange(nameof(Cell), Cell, "it must be RnnTanh, RnnRelu, Lstm or Gru");
        ThrowHelper.ThrowIfNotPositive(InputSize, nameof(InputSize));
        ThrowHelper.ThrowIfNotPositive(HiddenSize, nameof(HiddenSize));
        ThrowHelper.ThrowIfNotPositive(Layers, nameof(Layers));
        ThrowHelper.ThrowIfNegative(ConditioningSize, nameof(ConditioningSize));
        if (!(Dropout >= 0f && Dropout < 1f)) ThrowHelper.OutOfRange(nameof(Dropout), Dropout, "it must be in [0, 1)");
        if (!Enum.IsDefined(Initialization)) ThrowHelper.OutOfRange(nameof(Initialization), Initialization, "it must be Orthogonal or EchoState");
        if (!(EchoStateSpectralRadius > 0) || double.IsInfinity(EchoStateSpectralRadius))
            ThrowHelper.OutOfRange(nameof(EchoStateSpectralRadius), EchoStateSpectralRadius, "it must be a finite positive number");
    }
}
