using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// The common machinery of the optimizers: the step counter, the learning rate, and state arrays sized like
/// the parameter slab, allocated on the first step. A subclass writes one elementwise update over the whole slab.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly string[] _stateNames;
    private float[][]? _state;
    private float[][]? _scratch;
    private double _learningRate;

    /// <summary>Sets the learning rate and names the state arrays the subclass keeps.</summary>
    /// <param name="learningRate">The learning rate; finite, zero or positive.</param>
    /// <param name="stateNames">PyTorch's names for the per-weight state arrays, in a fixed order.</param>
    private protected Optimizer(double learningRate, params string[] stateNames)
    {
        LearningRate = learningRate;
        _stateNames = stateNames;
    }

    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float[] values = parameters.Values;
        float[] gradients = parameters.Gradients;
        if (_state is null)
        {
            _state = new float[_stateNames.Length][];
            for (int i = 0; i < _state.Length; i++)
            {
                _state[i] = new float[values.Length];
                InitializeState(i, _state[i]);
            }
        }
        else if (_state.Length > 0 && _state[0].Length != values.Length)
        {
            ThrowHelper.Argument(nameof(parameters), $"a set of {values.Length} weights",
                $"this optimizer's state was built for {_state[0].Length} weights");
        }
        if (_scratch is null || _scratch[0].Length != values.Length)
            _scratch = [new float[values.Length], new float[values.Length]];
        StepCount++;
        Update(values, gradients, StepCount);
    }

    /// <summary>The elementwise update of one step over the whole slab.</summary>
    /// <param name="values">All weights; updated in place.</param>
    /// <param name="gradients">Their gradients; not modified.</param>
    /// <param name="step">The number of this step, from 1.</param>
    private protected abstract void Update(Span<float> values, ReadOnlySpan<float> gradients, long step);

    /// <summary>Fills state array <paramref name="index"/> before the first step; zeros unless overridden.</summary>
    private protected virtual void InitializeState(int index, Span<float> array) => array.Clear();

    /// <summary>State array <paramref name="index"/> (in the order of the names given to the constructor).</summary>
    private protected Span<float> State(int index) => _state![index];

    /// <summary>A work array sized like the slab (0 or 1); its contents do not survive between steps.</summary>
    private protected Span<float> Scratch(int index) => _scratch![index];

    /// <summary>
    /// The gradient with L2 weight decay folded in (PyTorch's <c>grad.add(param, alpha=weight_decay)</c>), written
    /// to scratch 0, or the gradient itself when the decay is zero.
    /// </summary>
    private protected ReadOnlySpan<float> WithWeightDecay(ReadOnlySpan<float> values, ReadOnlySpan<float> gradients, double weightDecay)
    {
        if (weightDecay == 0) return gradients;
        Span<float> g = Scratch(0);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(values, (float)weightDecay, gradients, g);
        return g;
    }

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var arrays = new List<KeyValuePair<string, float[]>>();
        if (_state is not null)
            for (int i = 0; i < _stateNames.Length; i++) arrays.Add(new(_stateNames[i], (float[])_state[i].Clone()));
        return new OptimizerState(Kind, StepCount, LearningRate, arrays);
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != Kind) ThrowHelper.Argument(nameof(state), state.Kind, $"a {Kind} optimizer needs state of kind \"{Kind}\"");
        if (state.Arrays.Count == 0 && state.Step == 0)
        {
            _state = null;
            StepCount = 0;
            LearningRate = state.LearningRate;
            return;
        }
        if (state.Arrays.Count != _stateNames.Length)
            ThrowHelper.Argument(nameof(state), $"{state.Arrays.Count} arrays ({string.Join(", ", state.Arrays.Select(a => a.Key))})",
                $"this optimizer keeps {_stateNames.Length} ({string.Join(", ", _stateNames)}); were its options different?");
        var restored = new float[_stateNames.Length][];
        for (int i = 0; i < _stateNames.Length; i++)
        {
            float[] source = state.Find(_stateNames[i])
                ?? throw new ArgumentException($"'state' has no array \"{_stateNames[i]}\"; this optimizer keeps {string.Join(", ", _stateNames)}.", nameof(state));
            if (i > 0 && source.Length != restored[0].Length)
                ThrowHelper.Argument(nameof(state), $"array \"{_stateNames[i]}\" of length {source.Length}", $"every array must have length {restored[0].Length}");
            restored[i] = (float[])source.Clone();
        }
        LearningRate = state.LearningRate;
        StepCount = state.Step;
        _state = restored;
    }
}
