using MathNet.Numerics.LinearAlgebra;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Parameters;

/// <summary>
/// Weight initializations, each drawing from an explicit <see cref="Random"/> so a seed gives identical weights.
/// Matrices are row-major <c>[rows, cols]</c> as PyTorch stores them (<c>weight_ih_l0</c> is <c>[G*H, D]</c>,
/// <c>weight_hh_l0</c> is <c>[G*H, H]</c>, G = 4 gates for LSTM in the order i, f, g, o; 3 for GRU in the order r, z, n).
/// </summary>
public static class Initializers
{
    /// <summary>Fills <paramref name="values"/> from U(-bound, bound).</summary>
    /// <param name="values">The weights to fill.</param>
    /// <param name="bound">The half-width of the interval; finite, zero or positive.</param>
    /// <param name="random">The source of randomness.</param>
    public static void Uniform(Span<float> values, double bound, Random random)
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(bound, nameof(bound));
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(bound * (2 * random.NextDouble() - 1));
    }

    /// <summary>Fills a parameter from U(-bound, bound) (PyTorch's default for recurrent layers uses bound = 1/sqrt(H)).</summary>
    /// <param name="parameter">The parameter to fill.</param>
    /// <param name="bound">The half-width of the interval.</param>
    /// <param name="random">The source of randomness.</param>
    public static void Uniform(Parameter parameter, double bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Uniform(parameter.Value, bound, random);
    }

    /// <summary>Sets every weight of the parameter to zero.</summary>
    /// <param name="parameter">The parameter to clear.</param>
    public static void Zeros(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.Value.Clear();
    }

    /// <summary>Sets every weight of the parameter to <paramref name="value"/>.</summary>
    /// <param name="parameter">The parameter to fill.</param>
    /// <param name="value">The value.</param>
    public static void Constant(Parameter parameter, float value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.Value.Fill(value);
    }

    /// <summary>The Glorot (Xavier) uniform bound <c>gain * sqrt(6 / (fanIn + fanOut))</c>.</summary>
    /// <param name="fanIn">The number of inputs (columns); positive.</param>
    /// <param name="fanOut">The number of outputs (rows); positive.</param>
    /// <param name="gain">The scale, e.g. 1 for linear or sigmoid units.</param>
    public static double GlorotUniformBound(int fanIn, int fanOut, double gain = 1)
    {
        ThrowHelper.ThrowIfNotPositive(fanIn, nameof(fanIn));
        ThrowHelper.ThrowIfNotPositive(fanOut, nameof(fanOut));
        return gain * Math.Sqrt(6.0 / (fanIn + fanOut));
    }

    /// <summary>Fills a row-major <c>[rows, cols]</c> block from Glorot uniform with fanIn = cols, fanOut = rows.</summary>
    /// <param name="block">The block's weights, <c>rows * cols</c> of them.</param>
    /// <param name="rows">The number of rows (fan-out).</param>
    /// <param name="cols">The number of columns (fan-in).</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="gain">The scale.</param>
    public static void GlorotUniform(Span<float> block, int rows, int cols, Random random, double gain = 1)
    {
        double bound = GlorotUniformBound(cols, rows, gain);
        ThrowHelper.ThrowIfTooShort(block.Length, (long)rows * cols, nameof(block));
        Uniform(block[..(rows * cols)], bound, random);
    }

    /// <summary>
    /// Fills a matrix parameter <c>[rows, cols]</c> from Glorot uniform, with PyTorch's fans: fanIn = cols, fanOut = rows.
    /// For a stacked gate matrix pass <paramref name="blockRows"/> = H, so each gate's <c>[H, cols]</c> block gets its own fans.
    /// </summary>
    /// <param name="parameter">A rank-2 parameter.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="blockRows">Rows per block; 0 for the whole matrix; otherwise must divide the row count.</param>
    /// <param name="gain">The scale.</param>
    public static void GlorotUniform(Parameter parameter, Random random, int blockRows = 0, double gain = 1)
    {
        var (rows, cols, block) = Blocks(parameter, blockRows);
        for (int r = 0; r < rows; r += block) GlorotUniform(parameter.Value.Slice(r * cols, block * cols), block, cols, random, gain);
    }

    /// <summary>
    /// Fills a row-major <c>[rows, cols]</c> block with a (semi-)orthogonal matrix, as PyTorch's <c>orthogonal_</c>:
    /// the Q of a QR factorization of a standard normal matrix, columns signed by diag(R), times <paramref name="gain"/>.
    /// The rows are orthonormal when rows &lt;= cols, the columns when rows &gt;= cols.
    /// </summary>
    /// <param name="block">The block's weights, <c>rows * cols</c> of them.</param>
    /// <param name="rows">The number of rows; positive.</param>
    /// <param name="cols">The number of columns; positive.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="gain">The scale.</param>
    public static void Orthogonal(Span<float> block, int rows, int cols, Random random, double gain = 1)
    {
        ThrowHelper.ThrowIfNotPositive(rows, nameof(rows));
        ThrowHelper.ThrowIfNotPositive(cols, nameof(cols));
        ThrowHelper.ThrowIfTooShort(block.Length, (long)rows * cols, nameof(block));
        ArgumentNullException.ThrowIfNull(random);
        // Factor the tall orientation (m >= n) and transpose back, as PyTorch does.
        bool wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols;
        var normal = new double[m * n];
        FillStandardNormal(normal, random);
        Matrix<double> a = Matrix<double>.Build.Dense(m, n, (i, j) => normal[i * n + j]);
        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        Matrix<double> q = qr.Q, r = qr.R;
        for (int j = 0; j < n; j++)
        {
            // sign(0) would zero a column; a zero diagonal has probability 0 but is kept orthonormal anyway.
            double sign = r[j, j] < 0 ? -gain : gain;
            for (int i = 0; i < m; i++)
            {
                float v = (float)(q[i, j] * sign);
                if (wide) block[j * cols + i] = v;
                else block[i * cols + j] = v;
            }
        }
    }

    /// <summary>
    /// Fills a matrix parameter with orthogonal blocks: with <paramref name="blockRows"/> = H, a recurrent
    /// <c>weight_hh_l{k}</c> of shape <c>[G*H, H]</c> gets an independent orthogonal H x H matrix per gate.
    /// </summary>
    /// <param name="parameter">A rank-2 parameter.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="blockRows">Rows per block; 0 for the whole matrix; otherwise must divide the row count.</param>
    /// <param name="gain">The scale.</param>
    public static void Orthogonal(Parameter parameter, Random random, int blockRows = 0, double gain = 1)
    {
        var (rows, cols, block) = Blocks(parameter, blockRows);
        for (int r = 0; r < rows; r += block) Orthogonal(parameter.Value.Slice(r * cols, block * cols), block, cols, random, gain);
    }

    /// <summary>
    /// Sets an LSTM layer's forget-gate bias to <paramref name="value"/>: the forget gate is the second of the four
    /// H-long blocks (i, f, g, o) of <c>bias_ih_l{k}</c> and <c>bias_hh_l{k}</c>; PyTorch adds the two, so the
    /// <c>bias_ih</c> block is set to <paramref name="value"/> and the <c>bias_hh</c> block to 0.
    /// </summary>
    /// <param name="biasIh">The layer's <c>bias_ih_l{k}</c>, length 4H.</param>
    /// <param name="biasHh">The layer's <c>bias_hh_l{k}</c>, length 4H.</param>
    /// <param name="value">The forget-gate bias; 1 is the usual choice (Jozefowicz et al., 2015).</param>
    public static void LstmForgetGateBias(Parameter biasIh, Parameter biasHh, float value = 1)
    {
        ArgumentNullException.ThrowIfNull(biasIh);
        ArgumentNullException.ThrowIfNull(biasHh);
        if (biasIh.Length % 4 != 0) ThrowHelper.Argument(nameof(biasIh), biasIh.ToString(), "an LSTM bias has 4H elements (gates i, f, g, o)");
        if (biasHh.Length != biasIh.Length) ThrowHelper.Argument(nameof(biasHh), biasHh.ToString(), $"it must have the length of {biasIh} ({biasIh.Length})");
        int h = biasIh.Length / 4;
        biasIh.Value.Slice(h, h).Fill(value);
        biasHh.Value.Slice(h, h).Clear();
    }

    /// <summary>
    /// Sets the forget-gate bias of every LSTM layer and direction whose parameters start with <paramref name="prefix"/>
    /// (every <c>{prefix}bias_ih_l*</c> with its <c>{prefix}bias_hh_l*</c>). Returns how many pairs were set.
    /// </summary>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="prefix">The LSTM's name prefix, e.g. <c>"lstm."</c>.</param>
    /// <param name="value">The forget-gate bias.</param>
    /// <exception cref="ArgumentException">No <c>{prefix}bias_ih_l*</c> parameter exists, or one lacks its <c>bias_hh</c> partner.</exception>
    public static int LstmForgetGateBias(ParameterSet parameters, string prefix, float value = 1)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        int count = 0;
        string ih = prefix + "bias_ih_l";
        foreach (var p in parameters.Parameters)
        {
            if (!p.Name.StartsWith(ih, StringComparison.Ordinal)) continue;
            string hhName = prefix + "bias_hh_l" + p.Name[ih.Length..];
            if (!parameters.Contains(hhName)) ThrowHelper.Argument(nameof(parameters), p.Name, $"it has no partner \"{hhName}\"");
            LstmForgetGateBias(p, parameters[hhName], value);
            count++;
        }
        if (count == 0) ThrowHelper.Argument(nameof(prefix), prefix, $"no parameter is named \"{ih}*\"");
        return count;
    }

    private static (int Rows, int Cols, int Block) Blocks(Parameter parameter, int blockRows)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Shape.Length != 2) ThrowHelper.Argument(nameof(parameter), parameter.ToString(), "it must be a matrix [rows, cols]");
        int rows = parameter.Shape[0], cols = parameter.Shape[1];
        ThrowHelper.ThrowIfNegative(blockRows, nameof(blockRows));
        int block = blockRows == 0 ? rows : blockRows;
        if (rows % block != 0) ThrowHelper.Argument(nameof(blockRows), blockRows, $"it must divide the {rows} rows of {parameter}");
        return (rows, cols, block);
    }

    /// <summary>Standard normal draws by the Box-Muller transform, two per pair of uniforms.</summary>
    private static void FillStandardNormal(Span<double> values, Random random)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(); // (0, 1]: log stays finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < values.Length) values[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
        }
    }
}
