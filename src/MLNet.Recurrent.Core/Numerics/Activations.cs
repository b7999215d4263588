namespace MLNet.Recurrent.Core.Numerics;

/// <summary>
/// The activation functions by name, for callers that do not need the operator structs. Each forward writes
/// y from x; each backward overwrites dx from the forward output y and the upstream gradient dy.
/// The formulas are on <see cref="SigmoidOperator"/>, <see cref="TanhOperator"/>, <see cref="ReluOperator"/>,
/// <see cref="SoftmaxOperator"/> and <see cref="LogSoftmaxOperator"/>.
/// </summary>
public static class Activations
{
    /// <summary><c>y = 1 / (1 + exp(-x))</c>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs; may be <paramref name="x"/>.</param>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => SigmoidOperator.Invoke(x, y);

    /// <summary><c>dx = dy * y * (1 - y)</c>.</summary>
    /// <param name="y">The sigmoid outputs.</param>
    /// <param name="dy">The gradient with respect to y.</param>
    /// <param name="dx">The gradient with respect to x; may be <paramref name="dy"/>.</param>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => SigmoidOperator.Backward(y, dy, dx);

    /// <summary><c>y = tanh(x)</c>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs; may be <paramref name="x"/>.</param>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TanhOperator.Invoke(x, y);

    /// <summary><c>dx = dy * (1 - y^2)</c>.</summary>
    /// <param name="y">The tanh outputs.</param>
    /// <param name="dy">The gradient with respect to y.</param>
    /// <param name="dx">The gradient with respect to x; may be <paramref name="dy"/>.</param>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => TanhOperator.Backward(y, dy, dx);

    /// <summary><c>y = max(x, 0)</c>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The outputs; may be <paramref name="x"/>.</param>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => ReluOperator.Invoke(x, y);

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c>.</summary>
    /// <param name="y">The ReLU outputs.</param>
    /// <param name="dy">The gradient with respect to y.</param>
    /// <param name="dx">The gradient with respect to x; may be <paramref name="dy"/>.</param>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => ReluOperator.Backward(y, dy, dx);

    /// <summary>Row-wise <c>y_j = exp(x_j - max x) / sum_k exp(x_k - max x)</c>.</summary>
    /// <param name="x">Logits [rows, columns].</param>
    /// <param name="y">Probabilities, same shape; may be <paramref name="x"/>.</param>
    /// <param name="columns">Row length.</param>
    public static void SoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int columns) => SoftmaxOperator.Invoke(x, y, columns);

    /// <summary>Row-wise <c>dx_j = y_j * (dy_j - sum_k dy_k y_k)</c>.</summary>
    /// <param name="y">The softmax outputs [rows, columns].</param>
    /// <param name="dy">The gradient with respect to y.</param>
    /// <param name="dx">The gradient with respect to x; may be <paramref name="dy"/>.</param>
    /// <param name="columns">Row length.</param>
    public static void SoftmaxRowsBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) =>
        SoftmaxOperator.Backward(y, dy, dx, columns);

    /// <summary>Row-wise <c>y_j = x_j - max x - log sum_k exp(x_k - max x)</c>.</summary>
    /// <param name="x">Logits [rows, columns].</param>
    /// <param name="y">Log-probabilities, same shape; may be <paramref name="x"/>.</param>
    /// <param name="columns">Row length.</param>
    public static void LogSoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int columns) => LogSoftmaxOperator.Invoke(x, y, columns);

    /// <summary>Row-wise <c>dx_j = dy_j - exp(y_j) * sum_k dy_k</c>.</summary>
    /// <param name="y">The log-softmax outputs [rows, columns].</param>
    /// <param name="dy">The gradient with respect to y.</param>
    /// <param name="dx">The gradient with respect to x; may be <paramref name="dy"/>.</param>
    /// <param name="columns">Row length.</param>
    public static void LogSoftmaxRowsBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) =>
        LogSoftmaxOperator.Backward(y, dy, dx, columns);
}
