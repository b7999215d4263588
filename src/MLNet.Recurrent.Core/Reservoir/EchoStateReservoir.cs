using System.Numerics.Tensors;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Reservoir.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Reservoir;

/// <summary>
/// The fixed random part of an echo state network: a leaky tanh reservoir of N units,
/// <c>x[t+1] = (1 - a) x[t] + a tanh(W_in u[t+1] + W x[t] + W_fb y[t] + b)</c>, never trained.
/// W is sparse (<see cref="EchoStateNetworkOptions.Connectivity"/>) and rescaled so its spectral radius is
/// <see cref="EchoStateNetworkOptions.SpectralRadius"/>; W_in, b and W_fb are sparse +-scale (Bernoulli), as ReservoirPy.
/// Every weight is rounded to float32 once, when drawn, and used as that value in double arithmetic, so a saved
/// reservoir (float32 tensors) steps exactly as the one that was trained.
/// </summary>
/// <remarks>
/// Dimension letters: N reservoir units, D inputs, K outputs. Weights are row-major: W_in <c>[N, D]</c>,
/// W <c>[N, N]</c>, b <c>[N]</c>, W_fb <c>[N, K]</c> (empty without feedback).
/// </remarks>
public sealed class EchoStateReservoir
{
    private readonly float[] _inputWeights;    // [N, D]
    private readonly float[] _recurrentWeights; // [N, N], dense copy for saving and inspection
    private readonly float[] _bias;            // [N]
    private readonly float[] _feedbackWeights; // [N, K] or empty
    private readonly double[] _inputWeightsD, _biasD, _feedbackWeightsD;
    private readonly SparseMatrix _w;
    private SparseMatrix[]? _parts;

    internal EchoStateReservoir(int size, int inputSize, int feedbackSize, double leakRate,
        float[] inputWeights, float[] recurrentWeights, float[] bias, float[] feedbackWeights, double spectralRadius)
    {
        Size = size;
        InputSize = inputSize;
        FeedbackSize = feedbackSize;
        LeakRate = leakRate;
        _inputWeights = inputWeights;
        _recurrentWeights = recurrentWeights;
        _bias = bias;
        _feedbackWeights = feedbackWeights;
        _inputWeightsD = Widen(inputWeights);
        _biasD = Widen(bias);
        _feedbackWeightsD = Widen(feedbackWeights);
        _w = new SparseMatrix(Widen(recurrentWeights), size);
        SpectralRadius = spectralRadius;
    }

    /// <summary>
    /// Draws a reservoir from <see cref="EchoStateNetworkOptions.Seed"/>: W entry by entry (kept with probability
    /// <c>Connectivity</c>, N(0, 1)), then W_in, b and W_fb (kept with probability <c>InputConnectivity</c>, +-scale);
    /// W is then rescaled to the target spectral radius, estimated on the sparse W by power steps and an Arnoldi basis
    /// (MathNet's eigenvalues of its small Hessenberg matrix), to a relative change below 1e-9 between checks.
    /// </summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentException">The drawn W has no nonzero eigenvalue (too sparse to rescale).</exception>
    public static EchoStateReservoir Create(EchoStateNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = options.ReservoirSize, d = options.InputSize, k = options.HasFeedback ? options.OutputSize : 0;
        var random = new DeterministicRandom(options.Seed);
        var w = new double[n * n];
        for (int i = 0; i < w.Length; i++)
            if (random.NextDouble() < options.Connectivity) w[i] = (float)StandardNormal(random);
        var inputWeights = Bernoulli(n * d, options.InputConnectivity, options.InputScaling, random);
        var bias = Bernoulli(n, options.InputConnectivity, options.BiasScaling, random);
        var feedback = Bernoulli(n * k, options.InputConnectivity, options.FeedbackScaling, random);
        double measured = KrylovSpectralRadius.Estimate(new SparseMatrix(w, n), out double change);
        if (!(measured > 1e-12))
            ThrowHelper.Argument(nameof(options.Connectivity), options.Connectivity,
                $"the drawn {n} x {n} recurrent matrix has spectral radius {measured:R} and cannot be rescaled to {options.SpectralRadius:R}; raise the connectivity or the reservoir size");
        double scale = options.SpectralRadius / measured;
        var recurrent = new float[n * n];
        for (int i = 0; i < w.Length; i++) recurrent[i] = (float)(w[i] * scale);
        return new EchoStateReservoir(n, d, k, options.LeakRate, inputWeights, recurrent, bias, feedback, measured * scale)
        {
            SpectralRadiusChange = change,
        };
    }

    /// <summary>N: the number of units.</summary>
    public int Size { get; }

    /// <summary>D: input features per step.</summary>
    public int InputSize { get; }

    /// <summary>K for the feedback weights; 0 when the reservoir has no output feedback.</summary>
    public int FeedbackSize { get; }

    /// <summary>a: the leak rate.</summary>
    public double LeakRate { get; }

    /// <summary>
    /// The spectral radius reached: the estimated radius of the drawn W times the scale applied (the float32 rounding
    /// of each weight afterwards moves it by about 1e-7 relative; see <see cref="SpectralRadiusChange"/> for how
    /// settled the estimate was).
    /// </summary>
    public double SpectralRadius { get; }

    /// <summary>
    /// How settled the spectral radius estimate of the drawn W was: its relative change between the last two Krylov
    /// checks (0 when the Krylov basis closed on an invariant subspace, making it exact); below 1e-9 unless an
    /// estimate failed to settle (then at most 1e-4). Saved with the model; NaN when read from a file written before it was.
    /// </summary>
    public double SpectralRadiusChange { get; internal init; } = double.NaN;

    /// <summary>The number of nonzero entries of W.</summary>
    public int RecurrentNonZeros => _w.NonZeros;

    /// <summary>W_in, <c>[N, D]</c> row-major.</summary>
    public ReadOnlySpan<float> InputWeights => _inputWeights;

    /// <summary>W, <c>[N, N]</c> row-major (dense; most entries are zero).</summary>
    public ReadOnlySpan<float> RecurrentWeights => _recurrentWeights;

    /// <summary>b, <c>[N]</c>.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>W_fb, <c>[N, K]</c> row-major; empty without feedback.</summary>
    public ReadOnlySpan<float> FeedbackWeights => _feedbackWeights;

    /// <summary>
    /// One step in place: <c>x = (1 - a) x + a tanh(W_in u + W x + W_fb y + b)</c>.
    /// </summary>
    /// <param name="state">x, length N; overwritten with the new state.</param>
    /// <param name="input">u, length D.</param>
    /// <param name="feedback">y (the previous output or target), length K; ignored (may be empty) without feedback.</param>
    /// <param name="scratch">Workspace of length N.</param>
    public void Update(Span<double> state, ReadOnlySpan<double> input, ReadOnlySpan<double> feedback, Span<double> scratch)
    {
        int n = Size, d = InputSize, k = FeedbackSize;
        ThrowHelper.ThrowIfTooShort(state.Length, n, nameof(state));
        ThrowHelper.ThrowIfTooShort(input.Length, d, nameof(input));
        ThrowHelper.ThrowIfTooShort(scratch.Length, n, nameof(scratch));
        if (k > 0) ThrowHelper.ThrowIfTooShort(feedback.Length, k, nameof(feedback));
        UpdateRows(_w, state, state, input, feedback, scratch);
    }

    /// <summary>
    /// The rows <c>w.RowStart .. w.RowEnd - 1</c> of one step: <c>next[i] = (1 - a) x[i] + a tanh(...)</c>, reading the
    /// whole of <paramref name="x"/>. <see cref="Update"/> is this on all rows in place; a step split over threads runs it
    /// once per part of W into a second buffer, and every row gets the same bits either way (each row's arithmetic is
    /// its own; the vectorized tanh is the same per lane on any slice of 4 or more values).
    /// </summary>
    internal void UpdateRows(SparseMatrix w, ReadOnlySpan<double> x, Span<double> next, ReadOnlySpan<double> input,
        ReadOnlySpan<double> feedback, Span<double> scratch)
    {
        int d = InputSize, k = FeedbackSize, start = w.RowStart, end = w.RowEnd;
        Span<double> pre = scratch[start..end];
        _biasD.AsSpan(start, end - start).CopyTo(pre);
        w.MultiplyAdd(x, scratch);
        double[] win = _inputWeightsD, wfb = _feedbackWeightsD;
        for (int i = start; i < end; i++)
        {
            double s = scratch[i];
            for (int j = 0; j < d; j++) s += win[i * d + j] * input[j];
            for (int j = 0; j < k; j++) s += wfb[i * k + j] * feedback[j];
            scratch[i] = s;
        }
        TensorPrimitives.Tanh(pre, pre);
        double a = LeakRate;
        for (int i = start; i < end; i++) next[i] = (1 - a) * x[i] + a * scratch[i];
    }

    /// <summary>
    /// W cut into <paramref name="parts"/> row ranges of about equal nonzeros (each a multiple of 8 rows but the last),
    /// for a step split over threads; built once per count and kept.
    /// </summary>
    internal SparseMatrix[] Parts(int parts)
    {
        SparseMatrix[]? cached = Volatile.Read(ref _parts);
        if (cached is not null && cached.Length == parts) return cached;
        int n = Size;
        var rowNonZeros = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            int count = 0;
            foreach (float v in _recurrentWeights.AsSpan(i * n, n)) if (v != 0) count++;
            rowNonZeros[i + 1] = rowNonZeros[i] + count;
        }
        var result = new SparseMatrix[parts];
        int start = 0;
        for (int p = 0; p < parts; p++)
        {
            int end = n;
            if (p < parts - 1)
            {
                // The first row boundary (a multiple of 8) past an equal share of the nonzeros.
                long share = (long)rowNonZeros[n] * (p + 1) / parts;
                end = start;
                while (end < n && rowNonZeros[end] < share) end++;
                end = Math.Min(n, (end + 7) / 8 * 8);
            }
            result[p] = new SparseMatrix(_recurrentWeights, n, start, end);
            start = end;
        }
        Volatile.Write(ref _parts, result);
        return result;
    }

    private static double[] Widen(float[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    private static float[] Bernoulli(int count, double connectivity, double scale, Random random)
    {
        var values = new float[count];
        if (scale == 0) return values;
        for (int i = 0; i < count; i++)
        {
            bool kept = random.NextDouble() < connectivity;
            bool negative = random.NextDouble() < 0.5;
            if (kept) values[i] = (float)(negative ? -scale : scale);
        }
        return values;
    }

    /// <summary>A standard normal draw by Box-Muller (one per two uniforms; simple and deterministic).</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1]: the log stays finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
