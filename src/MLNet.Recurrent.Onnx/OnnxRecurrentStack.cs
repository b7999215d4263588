using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Onnx.Internals;

namespace MLNet.Recurrent.Onnx;

/// <summary>
/// A recurrent stack read from an ONNX model by <see cref="OnnxRecurrentImport"/>: its shape and its weights in
/// PyTorch's names, layout and gate order (LSTM i, f, g, o; GRU r, z, n), the engine's own, so they copy one to one
/// into a <see cref="RecurrentLayer"/> or the recurrent part of a <see cref="SequenceNetwork"/>.
/// </summary>
public sealed class OnnxRecurrentStack
{
    private readonly Dictionary<string, float[]> _weights;

    internal OnnxRecurrentStack(RecurrentLayerOptions options, Dictionary<string, float[]> weights)
    {
        Options = options;
        _weights = weights;
    }

    /// <summary>The stack's cell, input size, hidden size, layers and directions (no dropout, no learned initial state).</summary>
    public RecurrentLayerOptions Options { get; }

    /// <summary>
    /// The weights by PyTorch name without prefix (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>,
    /// <c>bias_hh_l0</c>, <c>..._reverse</c>), row-major. A model exported without biases reads as zero biases.
    /// </summary>
    public IReadOnlyDictionary<string, float[]> Weights => _weights;

    /// <summary>Builds a <see cref="RecurrentLayer"/> of this shape in <paramref name="parameters"/> and copies the weights into it.</summary>
    /// <param name="parameters">Where the layer's weights are registered.</param>
    /// <param name="prefix">Prefix of the parameter names, e.g. <c>"rnn."</c>.</param>
    public RecurrentLayer CreateLayer(ParameterSet parameters, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var layer = new RecurrentLayer(Options, parameters, prefix);
        CopyTo(parameters, prefix);
        return layer;
    }

    /// <summary>
    /// Copies the weights into the parameters <paramref name="prefix"/> + PyTorch name of a layer already built
    /// with the same shape; other parameters (learned initial states, conditioning weights) are left as they are.
    /// </summary>
    /// <param name="parameters">The parameter set holding the layer's weights.</param>
    /// <param name="prefix">Prefix of the parameter names, e.g. <c>"rnn."</c>.</param>
    /// <exception cref="ArgumentException">A weight is missing from <paramref name="parameters"/> or has another size; nothing is copied then.</exception>
    public void CopyTo(ParameterSet parameters, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        foreach (var (name, values) in _weights)
        {
            string full = prefix + name;
            if (!parameters.Contains(full))
                ThrowHelper.Argument(nameof(parameters), $"has no '{full}'; the imported {Describe()} needs every weight of that shape (check the prefix and the layer's options)");
            if (parameters[full].Length != values.Length)
                ThrowHelper.Argument(nameof(parameters), $"holds {parameters[full].Length} values in '{full}'; the imported {Describe()} has {values.Length} for it");
        }
        foreach (var (name, values) in _weights) values.CopyTo(parameters[prefix + name].Value);
    }

    /// <summary>
    /// Copies the weights into the recurrent stack (<c>rnn.*</c>) of <paramref name="network"/>, whose cell, input
    /// size, hidden size, layers and directions must match; its embedding and output layer are left as they are
    /// (train them, or the whole network, from there).
    /// </summary>
    /// <param name="network">The network to receive the weights.</param>
    /// <exception cref="ArgumentException">The network's recurrent stack has another shape.</exception>
    public void CopyTo(SequenceNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var o = network.Options;
        if (o.Cell != Options.Cell || o.RecurrentInputSize != Options.InputSize || o.HiddenSize != Options.HiddenSize
            || o.Layers != Options.Layers || o.Bidirectional != Options.Bidirectional)
        {
            ThrowHelper.Argument(nameof(network),
                $"has a recurrent stack of {o.Layers} {o.Cell} layer(s), input size {o.RecurrentInputSize}, hidden size {o.HiddenSize}, " +
                $"bidirectional {o.Bidirectional}; the imported one is {Describe()}");
        }
        CopyTo(network.Parameters, "rnn.");
    }

    private string Describe() =>
        $"{Options.Layers} {Options.Cell} layer(s), input size {Options.InputSize}, hidden size {Options.HiddenSize}, bidirectional {Options.Bidirectional}";
}
