using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Parameters;

/// <summary>
/// What an optimizer remembers between steps: its kind, the step count, the learning rate and named arrays
/// laid out like <see cref="ParameterSet.Values"/> (PyTorch's names: <c>exp_avg</c>, <c>momentum_buffer</c>, ...).
/// Exported for checkpoints by the optimizer's <c>ExportState</c>.
/// </summary>
public sealed class OptimizerState
{
    private readonly List<KeyValuePair<string, float[]>> _arrays = [];

    /// <summary>Creates a state; the arrays are kept in the given order and are not copied.</summary>
    /// <param name="kind">The optimizer's <c>Kind</c>.</param>
    /// <param name="step">The number of steps taken; zero or positive.</param>
    /// <param name="learningRate">The learning rate when the state was taken.</param>
    /// <param name="arrays">Named state arrays, each as long as the parameter slab.</param>
    public OptimizerState(string kind, long step, double learningRate, IEnumerable<KeyValuePair<string, float[]>> arrays)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(arrays);
        if (step < 0) ThrowHelper.OutOfRange(nameof(step), step, "it must be zero or positive");
        Kind = kind;
        Step = step;
        LearningRate = learningRate;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in arrays)
        {
            ArgumentException.ThrowIfNullOrEmpty(pair.Key, nameof(arrays));
            ArgumentNullException.ThrowIfNull(pair.Value, nameof(arrays));
            if (!seen.Add(pair.Key)) ThrowHelper.Argument(nameof(arrays), pair.Key, "each array name may appear once");
            _arrays.Add(pair);
        }
    }

    /// <summary>The optimizer's kind, e.g. <c>"Adam"</c>.</summary>
    public string Kind { get; }

    /// <summary>The number of steps taken.</summary>
    public long Step { get; }

    /// <summary>The learning rate when the state was taken.</summary>
    public double LearningRate { get; }

    /// <summary>The named state arrays, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, float[]>> Arrays => _arrays;

    /// <summary>The array called <paramref name="name"/>, or null.</summary>
    public float[]? Find(string name)
    {
        foreach (var pair in _arrays)
            if (pair.Key == name) return pair.Value;
        return null;
    }
}
