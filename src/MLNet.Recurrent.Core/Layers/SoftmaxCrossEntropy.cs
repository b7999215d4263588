using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// Softmax followed by the negative log-likelihood of the target class, averaged as PyTorch's
/// <c>F.cross_entropy(logits, targets, weight, ignore_index, reduction='mean')</c>:
/// <c>loss = sum_i m_i w[y_i] nll_i / sum_i m_i w[y_i]</c>, where <c>nll_i = log(sum_j exp(x_ij)) - x_i,y_i</c>,
/// w are the optional class weights (1 without), m the optional row mask (1 without) and rows whose target is
/// the ignore index are left out of both sums. With a 0/1 mask this is PyTorch's loss over the unmasked rows.
/// When no row counts (the normalizer is 0) the loss is 0 and the gradient is 0, where PyTorch would give NaN.
/// The softmax subtracts each row's largest logit, so huge logits give finite probabilities, never NaN.
/// </summary>
public sealed class SoftmaxCrossEntropy : IDisposable
{
    /// <summary>PyTorch's default ignore index, -100: no class id equals it.</summary>
    public const int DefaultIgnoreIndex = -100;

    private readonly float[]? _classWeights;
    private readonly Tensor _probabilities = new(0, 0);
    private float[] _rowScale = [];
    private int[] _targets = [];
    private int _rows;
    private bool _forwardDone;

    /// <summary>Creates the loss.</summary>
    /// <param name="classWeights">Optional weights w [V], each finite and zero or positive; <see langword="null"/> weighs every class 1.</param>
    /// <param name="ignoreIndex">Rows whose target equals this are skipped; it may be a class id.</param>
    public SoftmaxCrossEntropy(float[]? classWeights = null, int ignoreIndex = DefaultIgnoreIndex)
    {
        if (classWeights is not null)
        {
            if (classWeights.Length == 0) ThrowHelper.Argument(nameof(classWeights), "length 0", "it must hold one weight per class");
            for (int k = 0; k < classWeights.Length; k++)
            {
                if (!float.IsFinite(classWeights[k]) || classWeights[k] < 0)
                    ThrowHelper.OutOfRange($"classWeights[{k}]", classWeights[k], "it must be finite and zero or positive");
            }
            _classWeights = (float[])classWeights.Clone();
        }
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Rows whose target equals this are skipped.</summary>
    public int IgnoreIndex { get; }

    /// <summary>The class weights w [V], or empty when every class weighs 1.</summary>
    public ReadOnlySpan<float> ClassWeights => _classWeights;

    /// <summary>The softmax of the last <see cref="Forward"/>'s logits [N, V] (same shape as the logits), for every row, counted or not.</summary>
    public Tensor Probabilities => _probabilities;

    /// <summary>The last loss returned by <see cref="Forward"/>.</summary>
    public double Loss { get; private set; }

    /// <summary>The sum of the class-weighted terms: <c>sum_i m_i w[y_i]</c> over counted rows; the loss divides by it.</summary>
    public double Normalizer { get; private set; }

    /// <summary>The summed negative log-likelihood in nats, without class weights: <c>sum_i m_i nll_i</c> over rows not ignored.</summary>
    public double NllSum { get; private set; }

    /// <summary>The number of rows not ignored, each counted with its mask value (the row count for a 0/1 mask).</summary>
    public double Count { get; private set; }

    /// <summary>
    /// <c>NllSum / ln 2 / Count</c>: bits per symbol (bits per character for a character model), 0 when nothing
    /// counted.
    /// </summary>
    public double BitsPerSymbol => Count > 0 ? NllSum / Math.Log(2) / Count : 0;

    /// <summary>Computes the probabilities and the mean loss, and caches what <see cref="Backward"/> needs.</summary>
    /// <param name="logits">Scores x [N, V]: any shape whose last dimension is V, e.g. [T, B, V]; no NaN or +infinity.</param>
    /// <param name="targets">Class ids y [N], each in [0, V) or equal to <see cref="IgnoreIndex"/>.</param>
    /// <param name="mask">Optional row weights m [N], each finite and zero or positive (0 drops a row, e.g. padding); empty means all 1.</param>
    /// <returns>The loss <c>sum_i m_i w[y_i] nll_i / sum_i m_i w[y_i]</c>, or 0 when no row counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A target is out of range (the message names the row and value), or a mask value is negative or not finite.</exception>
    public double Forward(Tensor logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> mask = default)
    {
        int v = logits is { Rank: > 0 } ? logits.Dim(logits.Rank - 1) : 0;
        if (_classWeights is not null) v = _classWeights.Length;
        if (v <= 0) ThrowHelper.Argument(nameof(logits), logits, "its last dimension must be the number of classes V, at least 1");
        int n = LayerChecks.Rows(logits, v, nameof(logits), _classWeights is null ? "V" : "the number of class weights");
        LayerChecks.Length(targets.Length, n, nameof(targets), "the rows of logits");
        if (!mask.IsEmpty) LayerChecks.Length(mask.Length, n, nameof(mask), "the rows of logits");
        CheckTargetsAndMask(targets, mask, v);

        LayerChecks.ResizeLike(_probabilities, logits, v);
        if (_rowScale.Length < n)
        {
            _rowScale = new float[n];
            _targets = new int[n];
        }
        _rows = n;
        targets.CopyTo(_targets);

        ReadOnlySpan<float> x = logits.Span;
        Span<float> p = _probabilities.Span;
        double weightedNll = 0, normalizer = 0, nllSum = 0, count = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.Slice(i * v, v);
            Span<float> probs = p.Slice(i * v, v);
            float sum = SoftmaxOperator.Row(row, probs, out float max);
            if (!float.IsFinite(max)) ThrowBadLogits(row, i);

            _rowScale[i] = 0;
            int y = targets[i];
            float m = mask.IsEmpty ? 1f : mask[i];
            if (y == IgnoreIndex || m == 0) continue;
            double nll = Math.Log(sum) - ((double)row[y] - max);
            float scale = m * (_classWeights is null ? 1f : _classWeights[y]);
            _rowScale[i] = scale;
            nllSum += m * nll;
            count += m;
            if (scale == 0) continue;
            weightedNll += scale * nll;
            normalizer += scale;
        }
        Normalizer = normalizer;
        NllSum = nllSum;
        Count = count;
        Loss = normalizer > 0 ? weightedNll / normalizer : 0;
        _forwardDone = true;
        return Loss;
    }

    /// <summary>
    /// Overwrites <c>dLogits = lossGradient * m_i w[y_i] (p_i - onehot(y_i)) / Normalizer</c>, zero on rows that do
    /// not count, so it plugs straight into <see cref="Linear.Backward"/>.
    /// </summary>
    /// <param name="logitsGradient">Resized to the shape of the last logits [N, V] and overwritten with dLoss/dLogits.</param>
    /// <param name="lossGradient">The upstream gradient of the loss, 1 when the loss is the objective.</param>
    public void Backward(Tensor logitsGradient, float lossGradient = 1f)
    {
        ArgumentNullException.ThrowIfNull(logitsGradient);
        if (!_forwardDone) ThrowHelper.InvalidOperation("SoftmaxCrossEntropy.Backward was called before Forward.");
        if (ReferenceEquals(logitsGradient, _probabilities))
            ThrowHelper.Argument(nameof(logitsGradient), logitsGradient, "it must not be the Probabilities tensor");
        int v = _probabilities.Dim(_probabilities.Rank - 1);
        LayerChecks.ResizeLike(logitsGradient, _probabilities, v);
        Span<float> g = logitsGradient.Span;
        ReadOnlySpan<float> p = _probabilities.Span;
        double factor = Normalizer > 0 ? lossGradient / Normalizer : 0;
        for (int i = 0; i < _rows; i++)
        {
            Span<float> gRow = g.Slice(i * v, v);
            float scale = (float)(factor * _rowScale[i]);
            if (scale == 0)
            {
                gRow.Clear();
                continue;
            }
            TensorPrimitives.Multiply(p.Slice(i * v, v), scale, gRow);
            gRow[_targets[i]] -= scale;
        }
    }

    /// <summary>Returns the probabilities' array to the pool.</summary>
    public void Dispose() => _probabilities.Dispose();

    private void CheckTargetsAndMask(ReadOnlySpan<int> targets, ReadOnlySpan<float> mask, int v)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            int y = targets[i];
            if (y != IgnoreIndex && (uint)y >= (uint)v)
                ThrowHelper.OutOfRange($"targets[{i}]", y, $"it must be in [0, {v}) (the number of classes) or the ignore index {IgnoreIndex}");
        }
        for (int i = 0; i < mask.Length; i++)
        {
            if (!float.IsFinite(mask[i]) || mask[i] < 0)
                ThrowHelper.OutOfRange($"mask[{i}]", mask[i], "it must be finite and zero or positive");
        }
    }

    private static void ThrowBadLogits(ReadOnlySpan<float> row, int i)
    {
        for (int j = 0; j < row.Length; j++)
        {
            if (float.IsNaN(row[j]) || float.IsPositiveInfinity(row[j]))
                ThrowHelper.Argument($"logits[{i}, {j}]", row[j], "logits must not be NaN or +infinity");
        }
        ThrowHelper.Argument($"logits[{i}]", "all -infinity", "a row needs at least one finite logit");
    }
}
