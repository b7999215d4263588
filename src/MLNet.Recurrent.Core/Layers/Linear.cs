using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// An affine map applied to every row, as PyTorch's <c>nn.Linear</c>: <c>y = x W^T + b</c> with
/// <c>{prefix}weight</c> [Out, In] and optional <c>{prefix}bias</c> [Out], stored in PyTorch's layout.
/// Rows are whatever the leading dimensions hold: a time-major sequence [T, B, In] is N = T * B rows.
/// </summary>
public sealed class Linear
{
    /// <summary>Builds the layer and registers its zero-filled parameters in <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The set that holds the weights and their gradients.</param>
    /// <param name="inputSize">In, the features of an input row; must be positive.</param>
    /// <param name="outputSize">Out, the features of an output row; must be positive.</param>
    /// <param name="bias">Whether to add the learned bias <c>{prefix}bias</c> [Out].</param>
    /// <param name="prefix">Prepended to the parameter names, e.g. <c>"decoder."</c>.</param>
    public Linear(ParameterSet parameters, int inputSize, int outputSize, bool bias = true, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowHelper.ThrowIfNotPositive(inputSize, nameof(inputSize));
        ThrowHelper.ThrowIfNotPositive(outputSize, nameof(outputSize));
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = parameters.Add(prefix + "weight", outputSize, inputSize);
        Bias = bias ? parameters.Add(prefix + "bias", outputSize) : null;
    }

    /// <summary>In, the features of an input row.</summary>
    public int InputSize { get; }

    /// <summary>Out, the features of an output row.</summary>
    public int OutputSize { get; }

    /// <summary>The weight <c>{prefix}weight</c> [Out, In].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias <c>{prefix}bias</c> [Out], or <see langword="null"/> when built without one.</summary>
    public Parameter? Bias { get; }

    /// <summary>
    /// Fills the parameters as PyTorch does: weight and bias from U(-1/sqrt(In), 1/sqrt(In)), weight first,
    /// row by row.
    /// </summary>
    /// <param name="random">The source of randomness; a seeded <see cref="Random"/> gives the same weights every time.</param>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double bound = 1.0 / Math.Sqrt(InputSize);
        Fill(Weight.Value, random, bound);
        if (Bias is not null) Fill(Bias.Value, random, bound);
    }

    /// <summary>Computes <c>output = input W^T + b</c> row by row.</summary>
    /// <param name="input">X [N, In]: any shape whose last dimension is In, e.g. [T, B, In].</param>
    /// <param name="output">Resized to the shape of <paramref name="input"/> with the last dimension Out, e.g. [N, Out] or [T, B, Out], and overwritten.</param>
    public void Forward(Tensor input, Tensor output)
    {
        int n = LayerChecks.Rows(input, InputSize, nameof(input), "inputSize");
        ArgumentNullException.ThrowIfNull(output);
        if (ReferenceEquals(input, output)) ThrowHelper.Argument(nameof(output), output, "it must not be the input tensor");
        LayerChecks.ResizeLike(output, input, OutputSize);
        Span<float> y = output.Span;
        Gemm.Multiply(false, true, n, OutputSize, InputSize, 1f, input.Span, InputSize, Weight.Value, InputSize, 0f, y, OutputSize);
        if (Bias is null) return;
        ReadOnlySpan<float> b = Bias.Value;
        for (int row = 0; row < n; row++)
        {
            Span<float> yRow = y.Slice(row * OutputSize, OutputSize);
            TensorPrimitives.Add(yRow, b, yRow);
        }
    }

    /// <summary>
    /// Overwrites the input gradient <c>dX = dY W</c> (when asked for) and accumulates <c>dW += dY^T X</c> and
    /// <c>db += </c> the column sums of dY into the parameter set.
    /// </summary>
    /// <param name="inputGradient">Resized to the shape of <paramref name="input"/> [N, In] and overwritten with dLoss/dX; <see langword="null"/> when the input needs no gradient (e.g. it is data).</param>
    /// <param name="outputGradient">dLoss/dY [N, Out]: any shape whose last dimension is Out holding N rows.</param>
    /// <param name="input">The X [N, In] given to <see cref="Forward"/>.</param>
    public void Backward(Tensor? inputGradient, Tensor outputGradient, Tensor input)
    {
        int n = LayerChecks.Rows(input, InputSize, nameof(input), "inputSize");
        int rows = LayerChecks.Rows(outputGradient, OutputSize, nameof(outputGradient), "outputSize");
        if (rows != n) ThrowHelper.Argument(nameof(outputGradient), outputGradient, $"it must hold as many rows as 'input' ({input})");
        ReadOnlySpan<float> dy = outputGradient.Span;
        if (inputGradient is not null)
        {
            if (ReferenceEquals(inputGradient, input) || ReferenceEquals(inputGradient, outputGradient))
                ThrowHelper.Argument(nameof(inputGradient), inputGradient, "it must not be the input or the output gradient tensor");
            LayerChecks.ResizeLike(inputGradient, input, InputSize);
            Gemm.Multiply(false, false, n, InputSize, OutputSize, 1f, dy, OutputSize, Weight.Value, InputSize, 0f, inputGradient.Span, InputSize);
        }
        Gemm.Multiply(true, false, OutputSize, InputSize, n, 1f, dy, OutputSize, input.Span, InputSize, 1f, Weight.Gradient, InputSize);
        if (Bias is null) return;
        Span<float> db = Bias.Gradient;
        for (int row = 0; row < n; row++)
            TensorPrimitives.Add(db, dy.Slice(row * OutputSize, OutputSize), db);
    }

    private static void Fill(Span<float> values, Random random, double bound)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2.0 * random.NextDouble() - 1.0) * bound);
    }
}
