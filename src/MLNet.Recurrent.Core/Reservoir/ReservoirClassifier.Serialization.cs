using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Reservoir;

public sealed partial class ReservoirClassifier
{
    /// <summary>
    /// Writes the classifier in the project's model format: an echo state network's file (reservoir tensors, the readout
    /// as <c>readout.weight</c> <c>[K, 1 + N]</c> and its exact <c>readout_weight_bits</c>) plus the keys <c>pooling</c> and
    /// <c>readout_kind</c>.
    /// </summary>
    /// <param name="stream">A writable stream; left open.</param>
    public void Save(Stream stream)
    {
        var network = new EchoStateNetwork(Options, Reservoir, _weights, 1);
        ModelFile file = network.ToModelFile();
        file.Configuration.Set("model", ModelKind);
        file.Configuration.Set("pooling", Pooling.ToString());
        file.Configuration.Set("readout_kind", Readout.ToString());
        file.Write(stream);
    }

    /// <summary>The value of the configuration key <c>"model"</c> in a reservoir classifier's file.</summary>
    public const string ModelKind = "reservoir_classifier";

    /// <summary>Reads a classifier written by <see cref="Save"/>; every size, shape and weight is checked.</summary>
    /// <param name="stream">A readable stream; left open.</param>
    /// <exception cref="InvalidDataException">The stream is not a reservoir classifier's model file, or is corrupt.</exception>
    public static ReservoirClassifier Load(Stream stream)
    {
        ModelFile file = ModelFile.Read(stream);
        string kind;
        ReservoirPooling pooling = default;
        ReservoirReadout readout = default;
        try
        {
            kind = file.Configuration.GetString("model");
            if (kind != ModelKind) ThrowHelper.InvalidData("The model kind", kind, $"a reservoir classifier's file says \"{ModelKind}\"");
            string p = file.Configuration.GetString("pooling"), r = file.Configuration.GetString("readout_kind");
            if (!Enum.TryParse(p, out pooling) || !Enum.IsDefined(pooling)) ThrowHelper.InvalidData("The pooling", p, "it must be Mean or Last");
            if (!Enum.TryParse(r, out readout) || !Enum.IsDefined(readout)) ThrowHelper.InvalidData("The readout kind", r, "it must be Ridge or Logistic");
            file.Configuration.Set("model", EchoStateNetwork.ModelKind);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"The reservoir classifier's configuration cannot be read: {e.Message}", e);
        }
        var network = EchoStateNetwork.FromModelFile(file);
        if (network.Options.ReadoutIncludesInput || network.Options.HasFeedback || network.OutputSize < 2)
            ThrowHelper.InvalidData("The classifier's network", $"{network.OutputSize} outputs", "a classifier has at least 2 classes, no feedback and no input in its readout");
        return new ReservoirClassifier(network.Options, network.Reservoir, network.OutputSize, pooling, readout, network.Options.Washout, network.ReadoutWeights.ToArray());
    }
}
