using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Reservoir;

public sealed partial class EchoStateNetwork
{
    /// <summary>The value of the configuration key <c>"model"</c> in an echo state network's model file.</summary>
    public const string ModelKind = "echo_state_network";

    /// <summary>
    /// The network as a <see cref="ModelFile"/>: the options in the configuration, and the float32 tensors
    /// <c>reservoir.weight_ih</c> <c>[N, D]</c>, <c>reservoir.weight_hh</c> <c>[N, N]</c>, <c>reservoir.bias</c> <c>[N]</c>,
    /// <c>reservoir.weight_fb</c> <c>[N, K]</c> (with feedback), and the readout <c>readout.weight</c> <c>[K, F]</c>
    /// rounded to float32 (for other readers); the exact double readout is the configuration's int64 array
    /// <c>readout_weight_bits</c> (IEEE 754 bit patterns, row-major), so a loaded network predicts bit for bit as the saved one.
    /// </summary>
    public ModelFile ToModelFile()
    {
        var file = new ModelFile();
        ConfigurationMap c = file.Configuration;
        c.Set("model", ModelKind);
        c.Set("input_size", Options.InputSize);
        c.Set("output_size", Options.OutputSize);
        c.Set("reservoir_size", Options.ReservoirSize);
        c.Set("spectral_radius", Options.SpectralRadius);
        c.Set("spectral_radius_reached", Reservoir.SpectralRadius);
        if (double.IsFinite(Reservoir.SpectralRadiusChange)) c.Set("spectral_radius_change", Reservoir.SpectralRadiusChange);
        c.Set("connectivity", Options.Connectivity);
        c.Set("input_connectivity", Options.InputConnectivity);
        c.Set("input_scaling", Options.InputScaling);
        c.Set("bias_scaling", Options.BiasScaling);
        c.Set("feedback_scaling", Options.FeedbackScaling);
        c.Set("leak_rate", Options.LeakRate);
        c.Set("ridge", Options.Ridge);
        c.Set("washout", Options.Washout);
        c.Set("readout_includes_input", Options.ReadoutIncludesInput);
        c.Set("seed", Options.Seed);
        c.Set("training_rows", TrainingRows);
        int n = Reservoir.Size, d = InputSize, k = OutputSize;
        file.AddParameter(new NamedTensor("reservoir.weight_ih", [n, d], Reservoir.InputWeights.ToArray()));
        file.AddParameter(new NamedTensor("reservoir.weight_hh", [n, n], Reservoir.RecurrentWeights.ToArray()));
        file.AddParameter(new NamedTensor("reservoir.bias", [n], Reservoir.Bias.ToArray()));
        if (Reservoir.FeedbackSize > 0) file.AddParameter(new NamedTensor("reservoir.weight_fb", [n, k], Reservoir.FeedbackWeights.ToArray()));
        var rounded = new float[_readout.Length];
        var bits = new long[_readout.Length];
        for (int i = 0; i < _readout.Length; i++)
        {
            rounded[i] = (float)_readout[i];
            bits[i] = BitConverter.DoubleToInt64Bits(_readout[i]);
        }
        file.AddParameter(new NamedTensor("readout.weight", [k, Options.ReadoutFeatures], rounded));
        c.Set("readout_weight_bits", bits);
        return file;
    }

    /// <summary>Writes the network in the project's model format (<see cref="ModelFile"/>).</summary>
    /// <param name="stream">A writable stream; left open.</param>
    public void Save(Stream stream) => ToModelFile().Write(stream);

    /// <summary>Reads a network written by <see cref="Save"/>.</summary>
    /// <param name="stream">A readable stream; left open.</param>
    /// <exception cref="InvalidDataException">The stream is not an echo state network's model file, or is corrupt.</exception>
    public static EchoStateNetwork Load(Stream stream) => FromModelFile(ModelFile.Read(stream));

    /// <summary>
    /// Rebuilds a network from <see cref="ToModelFile"/>'s output. Every size is checked against its bounds and every
    /// tensor's shape against the sizes, and every weight must be finite, before anything is built.
    /// </summary>
    /// <param name="file">The model file.</param>
    /// <exception cref="InvalidDataException">A key is missing or out of range, or a tensor is missing, misshapen or not finite.</exception>
    public static EchoStateNetwork FromModelFile(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ConfigurationMap c = file.Configuration;
        EchoStateNetworkOptions options;
        long rows;
        double reached, change = double.NaN;
        long[] bits;
        try
        {
            string kind = c.GetString("model");
            if (kind != ModelKind) ThrowHelper.InvalidData("The model kind", kind, $"an echo state network's file says \"{ModelKind}\"");
            int n = c.GetInt32("reservoir_size");
            if (n <= 0 || (long)n * n > Array.MaxLength)
                ThrowHelper.InvalidData("The reservoir size", n, $"it must be between 1 and {(int)Math.Sqrt(Array.MaxLength)}");
            options = new EchoStateNetworkOptions
            {
                InputSize = c.GetInt32("input_size"),
                OutputSize = c.GetInt32("output_size"),
                ReservoirSize = n,
                SpectralRadius = c.GetDouble("spectral_radius"),
                Connectivity = c.GetDouble("connectivity"),
                InputConnectivity = c.GetDouble("input_connectivity"),
                InputScaling = c.GetDouble("input_scaling"),
                BiasScaling = c.GetDouble("bias_scaling"),
                FeedbackScaling = c.GetDouble("feedback_scaling"),
                LeakRate = c.GetDouble("leak_rate"),
                Ridge = c.GetDouble("ridge"),
                Washout = c.GetInt32("washout"),
                ReadoutIncludesInput = c.GetBoolean("readout_includes_input"),
                Seed = c.GetInt32("seed"),
            };
            options.Validate();
            rows = c.GetInt64("training_rows");
            if (rows <= 0) ThrowHelper.InvalidData("The training row count", rows, "it must be positive");
            bits = c.GetInt64Array("readout_weight_bits");
            reached = c.GetDouble("spectral_radius_reached");
            if (!double.IsFinite(reached) || reached < 0) ThrowHelper.InvalidData("The spectral radius reached", reached, "it must be finite, zero or positive");
            // Files written before the Krylov estimate have no such key.
            if (c.Contains("spectral_radius_change")) change = c.GetDouble("spectral_radius_change");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The echo state network's configuration cannot be read: {e.Message}", e);
        }
        int units = options.ReservoirSize, d = options.InputSize, k = options.OutputSize, fb = options.HasFeedback ? k : 0;
        float[] win = Tensor(file, "reservoir.weight_ih", [units, d]);
        float[] w = Tensor(file, "reservoir.weight_hh", [units, units]);
        float[] bias = Tensor(file, "reservoir.bias", [units]);
        float[] wfb = fb > 0 ? Tensor(file, "reservoir.weight_fb", [units, fb]) : [];
        float[] rounded = Tensor(file, "readout.weight", [k, options.ReadoutFeatures]);
        if (bits.Length != rounded.Length)
            ThrowHelper.InvalidData("The length of \"readout_weight_bits\"", bits.Length, $"the readout [{k}, {options.ReadoutFeatures}] has {rounded.Length} weights");
        var readout = new double[bits.Length];
        for (int i = 0; i < readout.Length; i++)
        {
            readout[i] = BitConverter.Int64BitsToDouble(bits[i]);
            if (!double.IsFinite(readout[i]) || (float)readout[i] != rounded[i])
                ThrowHelper.InvalidData($"Readout weight {i}", readout[i], $"it must be finite and round to the stored float32 {rounded[i]:R}");
        }
        var reservoir = new EchoStateReservoir(units, d, fb, options.LeakRate, win, w, bias, wfb, reached) { SpectralRadiusChange = change };
        return new EchoStateNetwork(options, reservoir, readout, rows);
    }

    private static float[] Tensor(ModelFile file, string name, int[] shape)
    {
        NamedTensor? tensor = null;
        foreach (var p in file.Parameters)
            if (p.Name == name) tensor = p;
        if (tensor is null)
            ThrowHelper.InvalidData($"Tensor \"{name}\"", "missing", $"an echo state network's file stores it with shape [{string.Join(", ", shape)}]");
        if (!tensor.Shape.SequenceEqual(shape))
            ThrowHelper.InvalidData($"The shape of \"{name}\"", $"[{string.Join(", ", tensor.Shape.ToArray())}]", $"the configuration implies [{string.Join(", ", shape)}]");
        foreach (float v in tensor.Data)
            if (!float.IsFinite(v)) ThrowHelper.InvalidData($"A value of \"{name}\"", v, "every weight must be finite");
        return tensor.Data;
    }
}
