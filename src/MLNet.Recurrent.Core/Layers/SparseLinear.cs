using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// A linear map of a sparse input row, without bias: <c>y += x W</c> with <c>{prefix}weight</c> [In, Out], where x
/// is given as its non-zero entries (index, value). The weight is stored input-major (the transpose of
/// <see cref="Linear"/>'s PyTorch layout) so each non-zero entry reads and writes Out contiguous weights: the cost
/// of a row is its non-zero count times Out, whatever In is, and a high-dimensional input (a bag of n-grams from
/// <c>FeaturizeText</c>, tens of thousands of slots) is never densified.
/// </summary>
public sealed class SparseLinear
{
    /// <summary>Builds the layer and registers its zero-filled weight in <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The set that holds the weight and its gradient.</param>
    /// <param name="inputSize">In, the slots of an input row; must be positive.</param>
    /// <param name="outputSize">Out, the features of an output row; must be positive.</param>
    /// <param name="prefix">Prepended to the parameter name, e.g. <c>"side."</c>.</param>
    public SparseLinear(ParameterSet parameters, int inputSize, int outputSize, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowHelper.ThrowIfNotPositive(inputSize, nameof(inputSize));
        ThrowHelper.ThrowIfNotPositive(outputSize, nameof(outputSize));
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = parameters.Add(prefix + "weight", inputSize, outputSize);
    }

    /// <summary>In, the slots of an input row.</summary>
    public int InputSize { get; }

    /// <summary>Out, the features of an output row.</summary>
    public int OutputSize { get; }

    /// <summary>The weight <c>{prefix}weight</c> [In, Out] (input-major).</summary>
    public Parameter Weight { get; }

    /// <summary>Accumulates <c>output += sum_j values[j] * W[indices[j], :]</c>.</summary>
    /// <param name="indices">The non-zero slots of the row, each in [0, In); any order, repeats add up.</param>
    /// <param name="values">Their values, as many as <paramref name="indices"/>.</param>
    /// <param name="output">[Out] the row's output, added to.</param>
    public void Forward(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> output)
    {
        Check(indices, values, output.Length, nameof(output));
        ReadOnlySpan<float> w = Weight.Value;
        int k = OutputSize;
        for (int j = 0; j < indices.Length; j++)
            TensorPrimitives.MultiplyAdd(w.Slice(indices[j] * k, k), values[j], output, output);
    }

    /// <summary>
    /// Accumulates <c>dW[indices[j], :] += values[j] * outputGradient</c> for every non-zero entry, in order (the input
    /// is data: it gets no gradient).
    /// </summary>
    /// <param name="outputGradient">[Out] dLoss/dOutput of the row.</param>
    /// <param name="indices">The row's non-zero slots given to <see cref="Forward"/>.</param>
    /// <param name="values">Their values.</param>
    public void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        Check(indices, values, outputGradient.Length, nameof(outputGradient));
        Span<float> dw = Weight.Gradient;
        int k = OutputSize;
        for (int j = 0; j < indices.Length; j++)
        {
            Span<float> row = dw.Slice(indices[j] * k, k);
            TensorPrimitives.MultiplyAdd(outputGradient, values[j], row, row);
        }
    }

    private void Check(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int outputLength, string outputName)
    {
        if (values.Length != indices.Length)
            ThrowHelper.Argument(nameof(values), $"{values.Length} values", $"there must be one per index ({indices.Length})");
        if (outputLength != OutputSize)
            ThrowHelper.Argument(outputName, $"length {outputLength}", $"it must have the output size {OutputSize}");
        for (int j = 0; j < indices.Length; j++)
            if ((uint)indices[j] >= (uint)InputSize)
                ThrowHelper.OutOfRange($"indices[{j}]", indices[j], $"it must be in [0, {InputSize}) (inputSize)");
    }
}
