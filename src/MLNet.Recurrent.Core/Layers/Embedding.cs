using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// A lookup table from token ids to vectors, as PyTorch's <c>nn.Embedding</c>: row <c>ids[n]</c> of the
/// weight <c>{prefix}weight</c> [V, D] is copied to output row n. With a padding index, that row still takes
/// part in the forward pass but never receives gradient (PyTorch's <c>padding_idx</c>), so a zero row stays zero.
/// </summary>
public sealed class Embedding
{
    /// <summary>Builds the layer and registers <c>{prefix}weight</c> [V, D] (zero-filled) in <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The set that holds the weight and its gradient.</param>
    /// <param name="vocabularySize">V, the number of ids; must be positive.</param>
    /// <param name="embeddingSize">D, the length of each vector; must be positive.</param>
    /// <param name="paddingIndex">An id in [0, V) whose row receives no gradient, or <see langword="null"/> for none.</param>
    /// <param name="prefix">Prepended to the parameter name, e.g. <c>"embedding."</c>.</param>
    public Embedding(ParameterSet parameters, int vocabularySize, int embeddingSize, int? paddingIndex = null, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowHelper.ThrowIfNotPositive(vocabularySize, nameof(vocabularySize));
        ThrowHelper.ThrowIfNotPositive(embeddingSize, nameof(embeddingSize));
        if (paddingIndex is int p && (uint)p >= (uint)vocabularySize)
            ThrowHelper.OutOfRange(nameof(paddingIndex), p, $"it must be in [0, {vocabularySize}) (vocabularySize)");
        VocabularySize = vocabularySize;
        EmbeddingSize = embeddingSize;
        PaddingIndex = paddingIndex;
        Weight = parameters.Add(prefix + "weight", vocabularySize, embeddingSize);
    }

    /// <summary>V, the number of ids.</summary>
    public int VocabularySize { get; }

    /// <summary>D, the length of each vector.</summary>
    public int EmbeddingSize { get; }

    /// <summary>The id whose row receives no gradient, if any.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The table <c>{prefix}weight</c> [V, D].</summary>
    public Parameter Weight { get; }

    /// <summary>
    /// Fills the table as PyTorch does: every element from N(0, 1), then the padding row set to zero.
    /// </summary>
    /// <param name="random">The source of randomness; a seeded <see cref="Random"/> gives the same table every time.</param>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<float> w = Weight.Value;
        for (int i = 0; i < w.Length; i += 2)
        {
            // Box-Muller: two independent standard normals from two uniforms in (0, 1].
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            w[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < w.Length) w[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
        if (PaddingIndex is int p) w.Slice(p * EmbeddingSize, EmbeddingSize).Clear();
    }

    /// <summary>Looks up one vector per id.</summary>
    /// <param name="ids">Token ids [N] with N = T * B, time-major (id of step t, sequence b at t * B + b); each in [0, V).</param>
    /// <param name="output">
    /// Overwritten with the vectors [N, D]. A shape it already has that holds N rows of D (e.g. [T, B, D]) is kept;
    /// otherwise it is resized to [N, D] (and <c>output.Resize(T, B, D)</c> views it time-major without copying).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V); the message names its position and value.</exception>
    public void Forward(ReadOnlySpan<int> ids, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckIds(ids);
        int d = EmbeddingSize;
        if (output.Rank == 0 || output.Dim(output.Rank - 1) != d || output.Length != ids.Length * d)
            output.Resize(ids.Length, d);
        ReadOnlySpan<float> w = Weight.Value;
        Span<float> y = output.Span;
        for (int n = 0; n < ids.Length; n++)
            w.Slice(ids[n] * d, d).CopyTo(y.Slice(n * d, d));
    }

    /// <summary>
    /// Accumulates <c>dWeight[ids[n]] += outputGradient[n]</c> for n = 0, 1, ... in order (so repeated ids sum
    /// deterministically), skipping rows whose id is the padding index.
    /// </summary>
    /// <param name="outputGradient">dLoss/dOutput [N, D] (any shape whose last dimension is D and that holds N rows).</param>
    /// <param name="ids">The ids [N] given to <see cref="Forward"/>.</param>
    public void Backward(Tensor outputGradient, ReadOnlySpan<int> ids)
    {
        int d = EmbeddingSize;
        int rows = LayerChecks.Rows(outputGradient, d, nameof(outputGradient), "embeddingSize");
        LayerChecks.Length(ids.Length, rows, nameof(ids), "the rows of outputGradient");
        CheckIds(ids);
        ReadOnlySpan<float> dy = outputGradient.Span;
        Span<float> dw = Weight.Gradient;
        int padding = PaddingIndex ?? -1;
        for (int n = 0; n < ids.Length; n++)
        {
            if (ids[n] == padding) continue;
            Span<float> row = dw.Slice(ids[n] * d, d);
            System.Numerics.Tensors.TensorPrimitives.Add(row, dy.Slice(n * d, d), row);
        }
    }

    private void CheckIds(ReadOnlySpan<int> ids)
    {
        int v = VocabularySize;
        for (int n = 0; n < ids.Length; n++)
        {
            if ((uint)ids[n] >= (uint)v)
                ThrowHelper.OutOfRange($"ids[{n}]", ids[n], $"it must be in [0, {v}) (vocabularySize)");
        }
    }
}
